import { Link } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { BreakGlassGroupResponse, ReadinessDecisionView } from '../../api';
import { formatDateTime } from '../../lib/format';
import { Tone, ToneChip } from '../common';
import { useEntityTabPath } from './entityPaths';

/** One service of the team, rolled up from its own governance reads. */
export type ServiceRollup = {
  entityRef: string;
  title: string;
  latestDecision?: ReadinessDecisionView;
  overrides: number;
  openDrift: number;
  violations: number;
  failingChecks: string[];
};

function decisionChip(d: ReadinessDecisionView): { tone: Tone; label: string } {
  if (d.override) return { tone: 'warn', label: 'Overridden' };
  return d.decision === 'allow'
    ? { tone: 'good', label: 'Allowed' }
    : { tone: 'bad', label: 'Blocked' };
}

/** Every service of the team in one row each, linked to its Governance tab. */
export function TeamServicesTable(props: {
  services: ServiceRollup[];
  breakGlass?: BreakGlassGroupResponse;
}) {
  const tabPath = useEntityTabPath();
  const glassOf = (ref: string) =>
    props.breakGlass?.entities.find(e => e.entityRef === ref);
  return (
    <Table size="small" aria-label="Governance of the team's services">
      <TableHead>
        <TableRow>
          <TableCell>Service</TableCell>
          <TableCell>Latest readiness</TableCell>
          <TableCell align="right">Overrides</TableCell>
          <TableCell align="right">Open drift</TableCell>
          <TableCell align="right">Violations</TableCell>
          <TableCell align="right">Break-glass open (overdue)</TableCell>
          <TableCell>Failing checks</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.services.map(s => {
          const glass = glassOf(s.entityRef);
          const d = s.latestDecision;
          return (
            <TableRow key={s.entityRef}>
              <TableCell
                component="th"
                scope="row"
                style={{ whiteSpace: 'nowrap' }}
              >
                <Link to={tabPath(s.entityRef, 'governance')}>{s.title}</Link>
              </TableCell>
              <TableCell>
                {d ? (
                  <>
                    <ToneChip {...decisionChip(d)} /> {d.environment},{' '}
                    {formatDateTime(d.decidedAt)}
                  </>
                ) : (
                  'none yet'
                )}
              </TableCell>
              <TableCell align="right">{s.overrides}</TableCell>
              <TableCell align="right">{s.openDrift}</TableCell>
              <TableCell align="right">{s.violations}</TableCell>
              <TableCell align="right">
                {glass ? `${glass.open} (${glass.overdue})` : '0 (0)'}
              </TableCell>
              <TableCell>
                <Typography variant="caption">
                  {s.failingChecks.join('; ') || 'none'}
                </Typography>
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
