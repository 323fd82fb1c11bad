import { InfoCard } from '@backstage/core-components';
import { Grid } from '@material-ui/core';
import { useCallback, useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DeliveryRefreshProvider } from '../../hooks/useDeliveryRefresh';
import { useEntityRef } from '../../hooks/useEntityRef';
import { entityRepository } from '../../lib/repository';
import { EnvironmentsPanel, useEnvironments } from '../EnvironmentsStrip';
import { HistoryImport } from '../HistoryImport';
import { ReleaseDrawer } from '../ReleaseDetail';
import { ReleaseHistory } from '../ReleaseHistory';
import { UnattributedIncidentsCard } from '../Incidents';
import { ActiveRollouts } from '../Rollout';
import { SkipLink } from '../common';
import { useAfterFirstPaint } from '../../hooks/useAfterFirstPaint';

const RELEASE_HISTORY_ID = 'greenlight-release-history';

/**
 * The entity page's Delivery tab. Every part of it reloads together on one refresh tick,
 * pushed by the backend's signals for this entity, with polling as the fallback.
 * The open release lives in the `release` query parameter, so a release can be linked to
 * and the back button closes it.
 */
export function DeliveryContent(props: {
  /** How often the tab reloads when the app has no signals (default 10 s). */
  rolloutPollIntervalMs?: number;
  /** How often the tab reloads while signals push changes (default 60 s). */
  signalsPollIntervalMs?: number;
}) {
  const { entityRef } = useEntityRef();
  return (
    <DeliveryRefreshProvider
      entityRef={entityRef}
      intervalMs={props.rolloutPollIntervalMs}
      signalsIntervalMs={props.signalsPollIntervalMs}
    >
      <DeliveryTab />
    </DeliveryRefreshProvider>
  );
}

function DeliveryTab() {
  const { entity, entityRef } = useEntityRef();
  // The environments and the first releases paint first; the cards that load on their own (the
  // rollouts, the history import, unattributed incidents) follow a frame later, so that opening
  // the tab shows what runs where without waiting for them.
  const painted = useAfterFirstPaint();
  const environments = useEnvironments(entityRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const releaseId = searchParams.get('release') ?? undefined;
  const repository = entityRepository(entity);
  // The same list until the environments change, so the release filters do not re-render.
  const environmentNames = useMemo(
    () => (environments.value ?? []).map(env => env.name),
    [environments.value],
  );

  // What had focus when a release was opened, to give it back when the drawer closes.
  const opener = useRef<{ releaseId: string; element: Element | null }>();

  const openRelease = useCallback(
    (id: string) => {
      opener.current = { releaseId: id, element: document.activeElement };
      setSearchParams(params => {
        const next = new URLSearchParams(params);
        next.set('release', id);
        return next;
      });
    },
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

  /*
   * Back to the button that opened the drawer, or, when a refresh has re-rendered it (or the
   * release was opened from a link), to that release's detail button in the table.
   */
  const restoreFocus = useCallback((closedId: string) => {
    const { element } = opener.current?.releaseId === closedId ? opener.current : { element: null };
    opener.current = undefined;
    const target =
      element instanceof HTMLElement && element.isConnected && element !== document.body
        ? element
        : document.querySelector<HTMLElement>(`[data-release-detail="${CSS.escape(closedId)}"]`);
    target?.focus();
  }, []);

  return (
    <Grid container spacing={3}>
      <SkipLink targetId={RELEASE_HISTORY_ID} focusSelector="[data-release-detail]">
        Skip to release history
      </SkipLink>
      <Grid item xs={12}>
        <EnvironmentsPanel state={environments} onOpenRelease={openRelease} />
      </Grid>
      <Grid item xs={12}>
        {painted && (
          <ActiveRollouts entityRef={entityRef} onOpenRelease={openRelease} />
        )}
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Releases" noPadding={false}>
          {painted && <HistoryImport entityRef={entityRef} />}
          <ReleaseHistory
            id={RELEASE_HISTORY_ID}
            entityRef={entityRef}
            environments={environmentNames}
            repository={repository}
            onOpenRelease={openRelease}
          />
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        {painted && <UnattributedIncidentsCard />}
      </Grid>
      <ReleaseDrawer
        releaseId={releaseId}
        repository={repository}
        onClose={closeRelease}
        onClosed={restoreFocus}
      />
    </Grid>
  );
}
