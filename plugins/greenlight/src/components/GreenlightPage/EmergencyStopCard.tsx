import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import { greenlightEmergencyStopPermission } from '@greenlight/backstage-plugin-greenlight-common';
import { Box, Button, TextField, Typography } from '@material-ui/core';
import { FormEvent, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { EmergencyStopView, greenlightApiRef } from '../../api';
import { formatDateTime } from '../../lib/format';
import { LoadError, ToneChip } from '../common';

const scopeLabel = (stop: EmergencyStopView) =>
  stop.scope === 'organisation'
    ? 'the whole organisation'
    : `environment ${stop.environment}`;

/**
 * The emergency stop: everyone sees whether one is in force; those with
 * `greenlight.emergencystop.manage` can pull or lift it, with a reason.
 */
export function EmergencyStopCard() {
  const api = useApi(greenlightApiRef);
  const { allowed } = usePermission({
    permission: greenlightEmergencyStopPermission,
  });
  const stops = useAsyncRetry(() => api.listEmergencyStops(), [api]);
  const [reason, setReason] = useState('');
  const [environment, setEnvironment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      setReason('');
      stops.retry();
    } catch (e) {
      setError(ResponseError.is(e) ? e.cause.message : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const pull = (event: FormEvent) => {
    event.preventDefault();
    if (!reason.trim()) return;
    act(() =>
      api.pullEmergencyStop({
        reason: reason.trim(),
        ...(environment.trim() ? { environment: environment.trim() } : {}),
      }),
    );
  };

  let status;
  if (stops.loading && !stops.value) status = <Progress />;
  else if (stops.error)
    status = <LoadError error={stops.error} what="the emergency stop" />;
  else if (!stops.value?.length) {
    status = (
      <Box display="flex" alignItems="center" gridGap={8} role="status">
        <ToneChip tone="good" label="No emergency stop" />
        <Typography variant="body2">
          Changes may ship where their windows allow.
        </Typography>
      </Box>
    );
  } else {
    status = (
      <Box role="status">
        {stops.value.map(stop => (
          <Box
            key={stop.scope + (stop.environment ?? '')}
            display="flex"
            alignItems="center"
            gridGap={8}
            mb={1}
          >
            <ToneChip tone="bad" label="Emergency stop in force" />
            <Typography variant="body2">
              {scopeLabel(stop)}: pulled by {stop.pulledBy} at{' '}
              {formatDateTime(stop.pulledAt)} — {stop.reason}
            </Typography>
            {allowed && (
              <Button
                variant="outlined"
                size="small"
                disabled={busy}
                onClick={() =>
                  act(() =>
                    api.liftEmergencyStop(stop.environment ?? undefined),
                  )
                }
              >
                Lift the stop for {scopeLabel(stop)}
              </Button>
            )}
          </Box>
        ))}
      </Box>
    );
  }

  return (
    <InfoCard
      title="Emergency stop"
      subheader="While pulled, readiness denies every change in scope and rollouts hold"
    >
      {status}
      {error && (
        <Typography color="error" role="alert">
          {error}
        </Typography>
      )}
      {allowed && (
        <Box
          component="form"
          onSubmit={pull}
          mt={2}
          display="flex"
          flexWrap="wrap"
          gridGap={8}
          alignItems="flex-start"
        >
          <TextField
            id="emergency-stop-reason"
            label="Reason"
            value={reason}
            onChange={e => setReason(e.target.value)}
            required
            variant="outlined"
            size="small"
            style={{ minWidth: 320 }}
          />
          <TextField
            id="emergency-stop-environment"
            label="Environment"
            helperText="Empty: every environment"
            value={environment}
            onChange={e => setEnvironment(e.target.value)}
            variant="outlined"
            size="small"
          />
          <Button
            type="submit"
            variant="contained"
            color="secondary"
            disabled={busy || !reason.trim()}
          >
            Pull the emergency stop
          </Button>
        </Box>
      )}
    </InfoCard>
  );
}
