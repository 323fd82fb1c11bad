import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { Typography } from '@material-ui/core';
import { useMemo } from 'react';
import { DoraScopeQuery } from '../../api';
import { useDora } from '../../hooks/useDora';
import { useEntityRef } from '../../hooks/useEntityRef';
import { presetWindow, windowToRange } from '../../lib/doraWindow';
import { formatDay } from '../../lib/format';
import { LoadError } from '../common';
import { UNATTRIBUTED_INCIDENTS_ID } from '../Incidents';
import { DoraSummaryTable } from './DoraSummaryTable';

const CARD_WINDOW_DAYS = 90;

/** A system's or a team's figures cover the entities in it; anything else is one entity. */
function scopeOf(kind: string, ref: string): DoraScopeQuery {
  switch (kind.toLocaleLowerCase('en-US')) {
    case 'system':
      return { systemRef: ref };
    case 'group':
      return { groupRef: ref };
    default:
      return { entityRef: ref };
  }
}

/** The five DORA metrics over the last 90 days of the entity, or of the system or team on screen. */
export function DoraCard(props: {
  /** How soon figures that leave out the newest events are asked for again (default 30 s). */
  refreshAgainMs?: number;
} = {}) {
  const { entity, entityRef } = useEntityRef();
  const entityRoute = useRouteRef(entityRouteRef);
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const window = useMemo(() => presetWindow(CARD_WINDOW_DAYS, new Date(), 'week'), []);
  const query = useMemo(
    () => ({ ...scopeOf(kind, entityRef), ...windowToRange(window), bucket: window.bucket }),
    [kind, entityRef, window],
  );
  const { value, loading, error, refreshing: stillRefreshing } = useDora(query, props.refreshAgainMs);

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <LoadError error={error} what="this entity's DORA metrics" />;
  else if (!value || (value.current.deploymentFrequency.count === 0 && value.current.changeFailRate.denominator === 0)) {
    body = stillRefreshing && !value?.dataQuality.some(f => f.id === 'entities-without-production') ? (
      <EmptyState
        missing="data"
        title="DORA figures are being updated"
        description="The newest events are still being counted; the figures appear within a minute."
      />
    ) : (
      <EmptyState
        missing="data"
        title="No production deployment in the last 90 days"
        description={`DORA metrics count production deployments; none was recorded for this ${kind} in the window.`}
      />
    );
  } else {
    body = (
      <>
        <DoraSummaryTable dora={value} />
        <UnattributedLink
          count={value.dataQuality.find(f => f.id === 'incidents-without-attribution')?.count ?? 0}
          to={`${entityRoute({
            kind: entity.kind.toLocaleLowerCase('en-US'),
            namespace: entity.metadata.namespace ?? 'default',
            name: entity.metadata.name,
          })}/delivery#${UNATTRIBUTED_INCIDENTS_ID}`}
        />
        {stillRefreshing && (
          <Typography variant="caption" color="textSecondary" component="p">
            The newest events are still being counted; these figures update within a minute.
          </Typography>
        )}
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
      title={kind === 'system' ? 'DORA of the system' : 'DORA'}
      subheader={`${formatDay(window.from)} – ${formatDay(window.to)} (last ${CARD_WINDOW_DAYS} days)`}
    >
      {body}
    </InfoCard>
  );
}

/** Unattributed incidents count as no failure; the figures above are only as good as their attribution. */
function UnattributedLink(props: { count: number; to: string }) {
  if (props.count === 0) return null;
  return (
    <Typography variant="body2">
      {props.count === 1 ? '1 incident is' : `${props.count} incidents are`} not attributed to a
      deployment and count as no failure. <Link to={props.to}>Attribute them</Link>
    </Typography>
  );
}
