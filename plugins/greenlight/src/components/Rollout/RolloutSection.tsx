import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { greenlightApiRef } from '../../api';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';
import { isNotFound, LoadError } from '../common';
import { RolloutDetail } from './RolloutDetail';

/** Loads the rollout that watched a release. */
export function RolloutSection(props: { rolloutId: string }) {
  const api = useApi(greenlightApiRef);
  // A rollout under way changes while its release is open: it reloads with the tab.
  const tick = useDeliveryRefresh();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getRollout(props.rolloutId),
    [api, props.rolloutId, tick],
  );
  if (loading && !value) return <Progress />;
  if (error) {
    if (isNotFound(error)) {
      return <Typography variant="body2">The record of rollout {props.rolloutId} is not available.</Typography>;
    }
    return <LoadError error={error} what="this rollout" />;
  }
  if (!value) return null;
  return <RolloutDetail rollout={value} onChanged={retry} />;
}
