import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { greenlightApiRef } from '../../api';
import { useEntityRef } from '../../hooks/useEntityRef';
import { presetWindow, windowToRange } from '../../lib/doraWindow';
import { formatDay } from '../../lib/format';
import { LoadError } from '../common';
import { DoraSummaryTable } from './DoraSummaryTable';

const CARD_WINDOW_DAYS = 90;

/** The entity's five DORA metrics over the last 90 days. */
export function DoraCard() {
  const api = useApi(greenlightApiRef);
  const { entityRef } = useEntityRef();
  const window = useMemo(() => presetWindow(CARD_WINDOW_DAYS, new Date(), 'week'), []);
  const { value, loading, error } = useAsync(
    () => api.getDora({ entityRef, ...windowToRange(window), bucket: window.bucket }),
    [api, entityRef, window],
  );

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <LoadError error={error} what="this entity's DORA metrics" />;
  else if (!value || (value.current.deploymentFrequency.count === 0 && value.current.changeFailRate.denominator === 0)) {
    body = (
      <EmptyState
        missing="data"
        title="No production deployment in the last 90 days"
        description="DORA metrics count production deployments; none was recorded for this entity in the window."
      />
    );
  } else {
    body = (
      <>
        <DoraSummaryTable dora={value} />
        {value.approximate && (
          <Typography variant="caption" color="textSecondary">
            ≈ marks quantiles computed from sketches, within 1% of the exact value.
          </Typography>
        )}
      </>
    );
  }
  return (
    <InfoCard
      title="DORA"
      subheader={`${formatDay(window.from)} – ${formatDay(window.to)} (last ${CARD_WINDOW_DAYS} days)`}
    >
      {body}
    </InfoCard>
  );
}
