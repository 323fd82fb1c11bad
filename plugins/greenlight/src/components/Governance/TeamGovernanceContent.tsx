import {
  EmptyState,
  InfoCard,
  Link,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  Grid,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useMemo } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { greenlightApiRef } from '../../api';
import { useEntityRef } from '../../hooks/useEntityRef';
import { presetWindow, windowToRange } from '../../lib/doraWindow';
import { formatDay } from '../../lib/format';
import { DoraCard } from '../Dora';
import { DoraSignOff } from '../DoraReview/DoraSignOff';
import { LoadError } from '../common';
import { BreakGlassTable } from './BreakGlassCard';
import { useEntityTabPath } from './entityPaths';
import { ServiceRollup, TeamServicesTable } from './TeamServicesTable';

const REVIEW_DAYS = 90;
const NO_WRAP = { whiteSpace: 'nowrap' as const };

/**
 * Governance across a team's services: the checklist summary, each service rolled up, the
 * break-glass changes still open, and the team's DORA review with its sign-offs.
 */
export function TeamGovernanceContent() {
  const api = useApi(greenlightApiRef);
  const catalogApi = useApi(catalogApiRef);
  const tabPath = useEntityTabPath();
  const { entity, entityRef } = useEntityRef();
  const window = useMemo(
    () => presetWindow(REVIEW_DAYS, new Date(), 'week'),
    [],
  );

  const state = useAsyncRetry(async () => {
    const [summary, breakGlass] = await Promise.all([
      api.getChecklistSummary(entityRef),
      api.listTeamBreakGlass(entityRef),
    ]);
    const { items } = await catalogApi.getEntities({
      filter: { kind: 'Component', 'relations.ownedBy': summary.groups },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    const services: ServiceRollup[] = await Promise.all(
      items.map(async e => {
        const ref = stringifyEntityRef(e).toLocaleLowerCase('en-US');
        const [decisions, drift, violations] = await Promise.all([
          api.listReadiness(ref),
          api.getDrift(ref),
          api.getViolations(ref),
        ]);
        return {
          entityRef: ref,
          title: e.metadata.title ?? e.metadata.name,
          latestDecision: decisions.items[0],
          overrides: decisions.items.filter(d => d.override).length,
          openDrift: drift.open.length,
          violations: violations.items.length,
          failingChecks: summary.checks
            .filter(c => c.failingEntities.some(f => f.entityRef === ref))
            .map(c => c.title),
        };
      }),
    );
    services.sort((a, b) => a.entityRef.localeCompare(b.entityRef));
    return { summary, breakGlass, services };
  }, [api, catalogApi, entityRef]);

  const name = entity.metadata.title ?? entity.metadata.name;
  let body;
  if (state.loading && !state.value) body = <Progress />;
  else if (state.error)
    body = <LoadError error={state.error} what={`the governance of ${name}`} />;
  else if (!state.value || state.value.summary.entityCount === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No service owned"
        description={`${name} owns no component Greenlight can assess.`}
      />
    );
  } else {
    const { summary, breakGlass, services } = state.value;
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard
            title="Production-grade checklist"
            subheader={`Across ${summary.entityCount} services`}
          >
            <Table
              size="small"
              aria-label="Checklist across the team's services"
            >
              <TableHead>
                <TableRow>
                  <TableCell>Check</TableCell>
                  <TableCell align="right" style={NO_WRAP}>
                    Passing
                  </TableCell>
                  <TableCell align="right" style={NO_WRAP}>
                    Failing
                  </TableCell>
                  <TableCell>Failing services</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {summary.checks.map(check => (
                  <TableRow key={check.id} style={{ verticalAlign: 'top' }}>
                    <TableCell component="th" scope="row">
                      {check.title}
                    </TableCell>
                    <TableCell align="right">{check.passing}</TableCell>
                    <TableCell align="right">{check.failing}</TableCell>
                    <TableCell>
                      {check.failingEntities.map(f => (
                        <Typography key={f.entityRef} variant="body2">
                          <Link
                            to={tabPath(f.entityRef, 'governance')}
                            underline="always"
                          >
                            {f.entityRef.split('/').pop()}
                          </Link>
                          : {f.reason}
                        </Typography>
                      ))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Services">
            <TeamServicesTable services={services} breakGlass={breakGlass} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard
            title="Overdue break-glass changes"
            subheader={breakGlass.teams
              .map(
                t =>
                  `${t.groupRef}: ${t.open} open, ${t.overdue} overdue, ${t.reconciled} reconciled`,
              )
              .join('; ')}
          >
            {breakGlass.overdue.length === 0 ? (
              <Typography variant="body2">
                No break-glass change of the team is past its deadline.
              </Typography>
            ) : (
              <BreakGlassTable
                items={breakGlass.overdue}
                onChanged={state.retry}
                showEntity
                label="Overdue break-glass changes of the team"
              />
            )}
          </InfoCard>
        </Grid>
      </Grid>
    );
  }

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Typography variant="h5" component="h2">
          Governance of {name}
        </Typography>
      </Grid>
      <Grid item xs={12}>
        {body}
      </Grid>
      <Grid item xs={12}>
        <DoraCard />
      </Grid>
      <Grid item xs={12}>
        <DoraSignOff
          groupRef={entityRef}
          window={windowToRange(window)}
          windowLabel={`${formatDay(window.from)} – ${formatDay(window.to)}`}
        />
      </Grid>
    </Grid>
  );
}
