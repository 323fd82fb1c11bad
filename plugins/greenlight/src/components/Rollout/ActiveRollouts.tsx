import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Box, Button, Divider, Typography } from '@material-ui/core';
import { Fragment } from 'react';
import { greenlightApiRef, RolloutState, RolloutView } from '../../api';
import { usePolling } from '../../hooks/usePolling';
import { LoadError } from '../common';
import { RolloutDetail } from './RolloutDetail';

/**
 * A paused rollout is still in progress and is where "resume" is needed, so paused
 * states are watched alongside `analysing`.
 */
const IN_PROGRESS: RolloutState[] = ['analysing', 'paused', 'paused-inconclusive'];

export const ROLLOUT_POLL_MS = 10_000;

/** Rollouts of the entity that are still running, refreshed every few seconds. */
export function ActiveRollouts(props: {
  entityRef: string;
  pollIntervalMs?: number;
  onOpenRelease?: (releaseId: string) => void;
}) {
  const api = useApi(greenlightApiRef);
  const { value, error, loading, updatedAt, refresh } = usePolling<RolloutView[]>(
    async () => {
      const results = await Promise.allSettled(
        IN_PROGRESS.map(state => api.listRollouts({ entityRef: props.entityRef, state })),
      );
      const answered = results.filter((r): r is PromiseFulfilledResult<RolloutView[]> => r.status === 'fulfilled');
      // Only a failure of every state is an error; a backend that rejects one state still shows the others.
      if (answered.length === 0) throw (results[0] as PromiseRejectedResult).reason;
      const byId = new Map(answered.flatMap(r => r.value).map(r => [r.id, r]));
      return [...byId.values()].sort((a, b) => b.startedAt.localeCompare(a.startedAt));
    },
    props.pollIntervalMs ?? ROLLOUT_POLL_MS,
    [api, props.entityRef],
  );

  let body;
  if (loading) body = <Progress />;
  else if (error && !value) body = <LoadError error={error} what="this entity's rollouts" />;
  else if (!value || value.length === 0) {
    body = <Typography variant="body2">No rollout in progress.</Typography>;
  } else {
    body = value.map((rollout, index) => (
      <Fragment key={rollout.id}>
        {index > 0 && <Divider style={{ margin: '16px 0' }} />}
        <RolloutDetail rollout={rollout} onChanged={refresh} />
        {props.onOpenRelease && (
          <Button size="small" onClick={() => props.onOpenRelease!(rollout.deploymentId)}>
            Open release
          </Button>
        )}
      </Fragment>
    ));
  }

  return (
    <InfoCard
      title="Rollouts in progress"
      subheader={
        <Box>
          {updatedAt ? `Updated ${updatedAt.toLocaleTimeString()}` : ''}
          <span role="status">{error && value ? ' · the last refresh failed; showing the previous state' : ''}</span>
        </Box>
      }
    >
      {body}
    </InfoCard>
  );
}
