import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, Divider, Typography } from '@material-ui/core';
import { Fragment, useCallback, useState } from 'react';
import { greenlightApiRef, RolloutAction, RolloutState, RolloutView } from '../../api';
import { useDeliveryLiveness, useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';
import { usePolling } from '../../hooks/usePolling';
import { LoadError } from '../common';
import { ActionDialog } from './ActionDialog';
import { RolloutActionHost } from './RolloutActions';
import { RolloutDetail } from './RolloutDetail';
import { RolloutHeading } from './RolloutHeading';
import { rolloutOutcome } from './rolloutOutcome';

/**
 * A paused rollout is still in progress and is where "resume" is needed, so paused
 * states are watched alongside `analysing`.
 */
const IN_PROGRESS: RolloutState[] = ['analysing', 'paused', 'paused-inconclusive'];
/** Finished rollouts stay on the card this long, so an outcome never vanishes unexplained. */
const FINISHED: RolloutState[] = ['rolled-back', 'promoted', 'aborted'];
export const RECENT_OUTCOME_MS = 60 * 60_000;

export const ROLLOUT_POLL_MS = 10_000;
/** Inside the Delivery tab the tab's shared refresh reloads the card; no timer of its own. */
const NO_OWN_POLLING_MS = 24 * 3600_000;

/**
 * Rollouts of the entity that are still running, refreshed with the Delivery tab, and the
 * ones that finished in the last hour with their outcome and its reason.
 */
export function ActiveRollouts(props: {
  entityRef: string;
  pollIntervalMs?: number;
  onOpenRelease?: (releaseId: string) => void;
}) {
  const api = useApi(greenlightApiRef);
  const tick = useDeliveryRefresh();
  const liveness = useDeliveryLiveness();
  const { value, error, loading, updatedAt, refresh } = usePolling<RolloutView[]>(
    async () => {
      const results = await Promise.allSettled(
        [...IN_PROGRESS, ...FINISHED].map(state => api.listRollouts({ entityRef: props.entityRef, state })),
      );
      const answered = results.filter((r): r is PromiseFulfilledResult<RolloutView[]> => r.status === 'fulfilled');
      // Only a failure of every state is an error; a backend that rejects one state still shows the others.
      if (answered.length === 0) throw (results[0] as PromiseRejectedResult).reason;
      const recent = Date.now() - RECENT_OUTCOME_MS;
      const shown = answered
        .flatMap(r => r.value)
        .filter(r => IN_PROGRESS.includes(r.state) || Date.parse(r.updatedAt) >= recent);
      const byId = new Map(shown.map(r => [r.id, r]));
      return [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    },
    tick === null ? props.pollIntervalMs ?? ROLLOUT_POLL_MS : NO_OWN_POLLING_MS,
    [api, props.entityRef],
    tick,
  );

  const [pending, setPending] = useState<{ rollout: RolloutView; action: RolloutAction }>();
  const openAction = useCallback(
    (rollout: RolloutView, action: RolloutAction) => setPending({ rollout, action }),
    [],
  );

  let body;
  if (loading && !value) body = <Progress />;
  else if (error && !value) body = <LoadError error={error} what="this entity's rollouts" />;
  else if (!value || value.length === 0) {
    body = <Typography variant="body2">No rollout in progress.</Typography>;
  } else {
    body = value.map((rollout, index) => (
      <Fragment key={rollout.id}>
        {index > 0 && <Divider style={{ margin: '16px 0' }} />}
        {IN_PROGRESS.includes(rollout.state) ? (
          <RolloutDetail rollout={rollout} onChanged={refresh} chartsCollapsed />
        ) : (
          <FinishedRollout rollout={rollout} />
        )}
        {props.onOpenRelease && (
          <Button size="small" onClick={() => props.onOpenRelease!(rollout.deploymentId)}>
            Open release
          </Button>
        )}
      </Fragment>
    ));
  }

  return (
    <RolloutActionHost.Provider value={openAction}>
    <InfoCard
      title="Rollouts"
      subheader={
        <Box>
          {updatedAt ? `Updated ${updatedAt.toLocaleTimeString()}` : ''}
          {updatedAt && liveness ? ` · ${livenessText(liveness)}` : ''}
          <span role="status">{error && value ? ' · the last refresh failed; showing the previous state' : ''}</span>
        </Box>
      }
    >
      {body}
      {pending && (
        <ActionDialog
          rollout={pending.rollout}
          current={value?.find(r => r.id === pending.rollout.id)}
          action={pending.action}
          onClose={() => setPending(undefined)}
          onDone={() => {
            setPending(undefined);
            refresh();
          }}
        />
      )}
    </InfoCard>
    </RolloutActionHost.Provider>
  );
}

/** A rollout that finished recently: its outcome and why, in one line. */
function FinishedRollout(props: { rollout: RolloutView }) {
  const { rollout } = props;
  return (
    <Box>
      <RolloutHeading rollout={rollout} />
      <Typography variant="body2" role="status">
        {rolloutOutcome(rollout)}
      </Typography>
    </Box>
  );
}

/** Whether the reader can trust the card to change by itself, and how soon. */
function livenessText(liveness: { live: boolean; intervalMs: number }) {
  if (liveness.live) return 'updates live';
  return `refreshes every ${Math.round(liveness.intervalMs / 1000)} s`;
}
