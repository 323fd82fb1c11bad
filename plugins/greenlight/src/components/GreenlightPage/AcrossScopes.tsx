import { InfoCard, Link, Progress } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { ChecklistSummaryResponse, DoraResponse } from '../../api';
import { leavesOutNewestEvents } from '../../hooks/useDora';
import { DORA_METRICS, metricScale } from '../../lib/doraMetrics';
import { LoadError } from '../common';
import { MetricValue, TierChip } from '../Dora';
import { useEntityTabPath } from '../Governance/entityPaths';

type Load<T> = { value?: T; loading: boolean; error?: Error };

const nameOf = (ref: string) => ref.split('/').pop() ?? ref;

/** Per team: how many of its services pass each check of the production-grade checklist. */
export function ReadinessAcrossTeams(props: {
  load: Load<ChecklistSummaryResponse[]>;
}) {
  const tabPath = useEntityTabPath();
  const { value, loading, error } = props.load;
  let body;
  if (loading && !value) body = <Progress />;
  else if (error)
    body = <LoadError error={error} what="readiness across teams" />;
  else if (!value || value.length === 0)
    body = <Typography variant="body2">No team owns a service yet.</Typography>;
  else {
    const checks = value[0].checks.map(c => ({ id: c.id, title: c.title }));
    body = (
      <Table size="small" aria-label="Readiness across teams">
        <TableHead>
          <TableRow>
            <TableCell>Team</TableCell>
            <TableCell align="right">Services</TableCell>
            {checks.map(c => (
              <TableCell key={c.id}>{c.title}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {value.map(team => (
            <TableRow key={team.groupRef}>
              <TableCell component="th" scope="row">
                <Link to={tabPath(team.groupRef, 'governance')}>
                  {nameOf(team.groupRef)}
                </Link>
              </TableCell>
              <TableCell align="right">{team.entityCount}</TableCell>
              {team.checks.map(c => (
                <TableCell key={c.id}>
                  {c.passing} of {c.passing + c.failing} pass
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="Readiness across services">{body}</InfoCard>;
}

/** The five DORA metrics of every team and every system, one row each. */
export function DoraAcrossScopes(props: {
  load: Load<Array<{ ref: string; dora: DoraResponse }>>;
}) {
  const tabPath = useEntityTabPath();
  const { value, loading, error } = props.load;
  let body;
  if (loading && !value) body = <Progress />;
  else if (error)
    body = <LoadError error={error} what="DORA across teams and systems" />;
  else if (!value || value.length === 0)
    body = <Typography variant="body2">No team or system to show.</Typography>;
  else {
    // Teams and systems are compared down a column: each column reads in one unit, chosen
    // from its values as a row of the DORA review is (see lib/doraUnits.ts), so one team's
    // "3 / day" never sits above another's "4 / week".
    const scales = DORA_METRICS.map(m =>
      metricScale(
        m,
        value.map(({ dora }) => m.value(dora.current)),
        'row',
      ),
    );
    body = (
      <Table size="small" aria-label="DORA across teams and systems">
        <TableHead>
          <TableRow>
            <TableCell>Team or system</TableCell>
            {DORA_METRICS.map(m => (
              <TableCell key={m.key}>{m.title}</TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {value.map(({ ref, dora }) => {
            const kind = ref.split(':')[0];
            return (
              <TableRow key={ref}>
                <TableCell component="th" scope="row">
                  <Link
                    to={tabPath(ref, kind === 'group' ? 'dora-review' : '')}
                  >
                    {nameOf(ref)}
                  </Link>
                  <Typography variant="caption" display="block">
                    {kind === 'group' ? 'team' : 'system'},{' '}
                    {dora.scope.entityRefs} services
                  </Typography>
                  {leavesOutNewestEvents(dora) && (
                    // The newest events are being rolled up; the page asks again until they are.
                    <Typography
                      variant="caption"
                      display="block"
                      color="textSecondary"
                    >
                      Figures being updated
                    </Typography>
                  )}
                </TableCell>
                {DORA_METRICS.map((m, column) => (
                  <TableCell key={m.key}>
                    <MetricValue
                      definition={m}
                      metrics={dora.current}
                      approximate={dora.approximate}
                      scale={scales[column]}
                    />{' '}
                    <TierChip
                      tier={dora.current.tiers[m.key]}
                      metric={m.title}
                      reportYear={dora.current.tiers.reportYear}
                    />
                  </TableCell>
                ))}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard title="DORA across teams and systems" subheader="Last 90 days">
      {body}
    </InfoCard>
  );
}
