import { Content, Header, Page } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { Grid } from '@material-ui/core';
import { useMemo, useRef } from 'react';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { leavesOutNewestEvents, useAskAgainWhile } from '../../hooks/useDora';
import { greenlightApiRef } from '../../api';
import type { DoraResponse } from '../../api';
import { presetWindow, windowToRange } from '../../lib/doraWindow';
import { DoraAcrossScopes, ReadinessAcrossTeams } from './AcrossScopes';
import { EmergencyStopCard } from './EmergencyStopCard';
import {
  LatestReleases,
  RolloutsInProgress,
  UnmappedEvents,
} from './OrganisationTables';

const DORA_DAYS = 90;

/** Refs of catalog entities of a kind, sorted; for teams, only groups of type team. */
function useCatalogRefs(kind: 'Group' | 'System') {
  const catalogApi = useApi(catalogApiRef);
  return useAsync(async () => {
    const { items } = await catalogApi.getEntities({
      filter: kind === 'Group' ? { kind, 'spec.type': 'team' } : { kind },
      fields: ['kind', 'metadata.name', 'metadata.namespace'],
    });
    return items
      .map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'))
      .sort();
  }, [catalogApi, kind]);
}

/** Greenlight across the organisation: what is shipping, what is stopped, how teams are doing. */
export function GreenlightOverview(props: {
  /** How soon DORA figures that leave out the newest events are asked for again (default 30 s). */
  doraRefreshAgainMs?: number;
}) {
  const api = useApi(greenlightApiRef);
  const teams = useCatalogRefs('Group');
  const systems = useCatalogRefs('System');
  const window = useMemo(
    () => windowToRange(presetWindow(DORA_DAYS, new Date(), 'week')),
    [],
  );

  const rollouts = useAsync(() => api.listActiveRollouts(), [api]);
  const releases = useAsync(() => api.listLatestReleases(15), [api]);
  const unmapped = useAsync(() => api.listUnmapped(20), [api]);
  const readiness = useAsync(async () => {
    const summaries = await Promise.all(
      (teams.value ?? []).map(ref => api.getChecklistSummary(ref)),
    );
    return summaries.filter(s => s.entityCount > 0);
  }, [api, teams.value]);
  // Each scope's last answer: asking again fetches only the scopes whose figures were still
  // being updated, and keeps the others' answers.
  const lastAnswers = useRef(new Map<string, DoraResponse>());
  const dora = useAsyncRetry(async () => {
    const scopes = [
      ...(teams.value ?? []).map(ref => ({ ref, query: { groupRef: ref } })),
      ...(systems.value ?? []).map(ref => ({ ref, query: { systemRef: ref } })),
    ];
    const answers = await Promise.all(
      scopes.map(async s => {
        const last = lastAnswers.current.get(s.ref);
        const answer =
          last && !leavesOutNewestEvents(last)
            ? last
            : await api.getDora({ ...s.query, ...window, bucket: 'week' });
        lastAnswers.current.set(s.ref, answer);
        return { ref: s.ref, dora: answer };
      }),
    );
    return answers.filter(a => a.dora.scope.entityRefs > 0);
  }, [api, teams.value, systems.value, window]);
  // As the entity card and the team review do: while a scope's figures leave out its newest
  // events, ask again until the rollups count them; the figures on screen stay meanwhile.
  // A failed re-ask leaves the figures already shown in place (and asks again later); only a
  // first load that fails shows its error.
  const shownDora = useRef(dora.value);
  if (dora.value) shownDora.current = dora.value;
  const doraValue = dora.value ?? shownDora.current;
  useAskAgainWhile(
    (doraValue ?? []).some(a => leavesOutNewestEvents(a.dora)),
    dora.retry,
    props.doraRefreshAgainMs,
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <EmergencyStopCard />
      </Grid>
      <Grid item xs={12}>
        <RolloutsInProgress load={rollouts} />
      </Grid>
      <Grid item xs={12}>
        <LatestReleases load={releases} />
      </Grid>
      <Grid item xs={12}>
        <ReadinessAcrossTeams
          load={{
            ...readiness,
            loading: readiness.loading || teams.loading,
            error: readiness.error ?? teams.error,
          }}
        />
      </Grid>
      <Grid item xs={12}>
        <DoraAcrossScopes
          load={{
            value: doraValue,
            loading: dora.loading || teams.loading || systems.loading,
            error: doraValue
              ? undefined
              : dora.error ?? teams.error ?? systems.error,
          }}
        />
      </Grid>
      <Grid item xs={12}>
        <UnmappedEvents load={unmapped} />
      </Grid>
    </Grid>
  );
}

/** The overview as a page of its own, with its header (the legacy frontend system). */
export function GreenlightPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Greenlight"
        subtitle="Releases, rollouts and governance across the organisation"
      />
      <Content>
        <GreenlightOverview />
      </Content>
    </Page>
  );
}
