import { InfoCard } from '@backstage/core-components';
import { Grid } from '@material-ui/core';
import { useCallback } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DeliveryRefreshProvider } from '../../hooks/useDeliveryRefresh';
import { useEntityRef } from '../../hooks/useEntityRef';
import { entityRepository } from '../../lib/repository';
import { EnvironmentsPanel, useEnvironments } from '../EnvironmentsStrip';
import { ReleaseDrawer } from '../ReleaseDetail';
import { ReleaseHistory } from '../ReleaseHistory';
import { ActiveRollouts } from '../Rollout';

/**
 * The entity page's Delivery tab. Every part of it reloads together on one refresh tick.
 * The open release lives in the `release` query parameter, so a release can be linked to
 * and the back button closes it.
 */
export function DeliveryContent(props: { rolloutPollIntervalMs?: number }) {
  return (
    <DeliveryRefreshProvider intervalMs={props.rolloutPollIntervalMs}>
      <DeliveryTab />
    </DeliveryRefreshProvider>
  );
}

function DeliveryTab() {
  const { entity, entityRef } = useEntityRef();
  const environments = useEnvironments(entityRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const releaseId = searchParams.get('release') ?? undefined;
  const repository = entityRepository(entity);

  const openRelease = useCallback(
    (id: string) =>
      setSearchParams(params => {
        const next = new URLSearchParams(params);
        next.set('release', id);
        return next;
      }),
    [setSearchParams],
  );
  const closeRelease = useCallback(
    () =>
      setSearchParams(params => {
        const next = new URLSearchParams(params);
        next.delete('release');
        return next;
      }),
    [setSearchParams],
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EnvironmentsPanel state={environments} onOpenRelease={openRelease} />
      </Grid>
      <Grid item xs={12}>
        <ActiveRollouts entityRef={entityRef} onOpenRelease={openRelease} />
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Releases" noPadding={false}>
          <ReleaseHistory
            entityRef={entityRef}
            environments={(environments.value ?? []).map(env => env.name)}
            repository={repository}
            onOpenRelease={openRelease}
          />
        </InfoCard>
      </Grid>
      <ReleaseDrawer releaseId={releaseId} repository={repository} onClose={closeRelease} />
    </Grid>
  );
}
