import { InfoCard, Progress } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type { ChangeWindowsResponse } from '../../api';
import { formatDateTime } from '../../lib/format';
import { LoadError, ToneChip } from '../common';
import { useGovernanceLoad } from './useGovernanceLoad';

/** When a code change may next ship in the environment, in words. */
function nextAllowed(
  env: ChangeWindowsResponse['environments'][number],
  stopped: boolean,
): string {
  if (stopped) return 'when the stop is lifted';
  if (env.allowed) return 'now';
  if (!env.nextAllowedAt) return 'not within 400 days';
  return `${formatDateTime(env.nextAllowedAt)} (${env.timeZone})`;
}

/** Per environment: may a code change ship now, which freezes are in effect, and when it may next. */
export function ChangeWindowsCard(props: { entityRef: string }) {
  const { value, loading, error } = useGovernanceLoad(
    async api => {
      const [windows, stops] = await Promise.all([
        api.getChangeWindows(props.entityRef),
        api.listEmergencyStops(),
      ]);
      return { windows, stops };
    },
    [props.entityRef],
  );
  let body;
  if (loading) body = <Progress />;
  else if (error)
    body = <LoadError error={error} what="the change windows of this entity" />;
  else if (value) {
    const stopFor = (env: string) =>
      value.stops.find(s => s.environment === env) ??
      value.stops.find(s => s.scope === 'organisation');
    body = (
      <>
        {!value.windows.configured && (
          <Typography variant="body2" gutterBottom>
            No change windows or freezes are configured: changes may ship at any
            time unless an emergency stop is in force.
          </Typography>
        )}
        <Table size="small" aria-label="Change windows and freezes">
          <TableHead>
            <TableRow>
              <TableCell>Environment</TableCell>
              <TableCell>Now</TableCell>
              <TableCell>In effect</TableCell>
              <TableCell>Next allowed</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {value.windows.environments.map(env => {
              const stop = stopFor(env.environment);
              const open = env.allowed && !stop;
              return (
                <TableRow key={env.environment}>
                  <TableCell component="th" scope="row">
                    {env.environment}
                  </TableCell>
                  <TableCell>
                    <ToneChip
                      tone={open ? 'good' : 'bad'}
                      label={open ? 'Open' : 'Closed'}
                    />
                  </TableCell>
                  <TableCell>
                    {[
                      ...(stop
                        ? [
                            `emergency stop (${stop.scope}) by ${stop.pulledBy}: ${stop.reason}`,
                          ]
                        : []),
                      ...env.freezes.map(
                        f =>
                          `freeze ${f.name} until ${formatDateTime(f.until)}${
                            f.reason ? `: ${f.reason}` : ''
                          }`,
                      ),
                      ...env.reasons.filter(
                        r => !env.freezes.some(f => r.includes(f.name)),
                      ),
                    ].join('; ') || 'nothing'}
                  </TableCell>
                  <TableCell>{nextAllowed(env, Boolean(stop))}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
      </>
    );
  }
  return <InfoCard title="Change windows and freezes">{body}</InfoCard>;
}
