import { InfoCard, Link, Progress } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { formatDateTime } from '../../lib/format';
import { LoadError, ToneChip } from '../common';
import { useEntityTabPath } from './entityPaths';
import { useGovernanceLoad } from './useGovernanceLoad';

/** Production deployments that broke a delivery policy, each linked to its release. */
export function ViolationsCard(props: { entityRef: string }) {
  const tabPath = useEntityTabPath();
  const { value, loading, error } = useGovernanceLoad(
    api => api.getViolations(props.entityRef),
    [props.entityRef],
  );
  let body;
  if (loading) body = <Progress />;
  else if (error)
    body = <LoadError error={error} what="this entity's policy violations" />;
  else if (!value || value.items.length === 0) {
    body = (
      <Typography variant="body2">
        No policy violation in the window.
      </Typography>
    );
  } else {
    body = (
      <>
        <Typography variant="body2" gutterBottom>
          Tests before production are{' '}
          {value.policy.requireTests ? 'required' : 'not enforced'} (from the{' '}
          {value.policy.source}).
        </Typography>
        <Table size="small" aria-label="Policy violations">
          <TableHead>
            <TableRow>
              <TableCell>Release</TableCell>
              <TableCell>When</TableCell>
              <TableCell>Enforced</TableCell>
              <TableCell>Why</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.items.map(v => (
              <TableRow key={`${v.kind}-${v.releaseId}`}>
                <TableCell component="th" scope="row">
                  {v.releaseId ? (
                    <Link
                      to={tabPath(v.entityRef, 'delivery', {
                        release: v.releaseId,
                      })}
                    >
                      {v.releaseId}
                    </Link>
                  ) : (
                    'not deployed'
                  )}
                  <Typography variant="caption" display="block">
                    {v.environment}
                  </Typography>
                </TableCell>
                <TableCell>{formatDateTime(v.at)}</TableCell>
                <TableCell>
                  <ToneChip
                    tone={v.enforced ? 'bad' : 'warn'}
                    label={v.enforced ? 'Blocks' : 'Reported'}
                  />
                </TableCell>
                <TableCell>{v.reason}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </>
    );
  }
  return (
    <InfoCard
      title={`Policy violations${value ? ` (${value.items.length})` : ''}`}
    >
      <div id="governance-violations">{body}</div>
    </InfoCard>
  );
}
