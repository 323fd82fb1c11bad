import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { greenlightApiRef, Release } from '../../api';
import { peekReleases, readReleaseCount, readReleases } from '../../hooks/deliveryReads';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';
import { LoadError, useCatalogUsers, useFocusRing } from '../common';
import { releaseColumns } from './columns';
import { KnownUsersContext } from './knownUsers';
import { ReleaseTable } from './ReleaseTable';
import { CursorPager } from './CursorPager';
import { localInputToIso, ReleaseFilters, ReleaseFilterValues } from './ReleaseFilters';
import { useReleaseHistoryParams } from './useReleaseHistoryParams';
import { useAfterFirstPaint } from '../../hooks/useAfterFirstPaint';

const NO_RELEASES: Release[] = [];
/** The filters' height on one line: a labelled input (48 px) and the space below them (16 px). */
const FILTERS_HEIGHT = 64;

/** The entity's releases, newest first, filtered and paged on the server. */
export function ReleaseHistory(props: {
  entityRef: string;
  /** The id of the element around the table, the target of a "skip to release history" link. */
  id?: string;
  environments: string[];
  repository?: string;
  onOpenRelease: (id: string) => void;
}) {
  const api = useApi(greenlightApiRef);
  const tick = useDeliveryRefresh();
  // The filters and the pager follow the first rows by a frame: Material UI's inputs are the
  // costliest part of the first render and none of them is needed to read the newest releases.
  const painted = useAfterFirstPaint();
  const { filters, setFilters, cursors, setCursors, pageSize, setPageSize } = useReleaseHistoryParams();
  const page = cursors.length - 1;
  const cursor = cursors[page];

  const query = useMemo(
    () => ({
      entityRef: props.entityRef,
      environment: filters.environment || undefined,
      status: filters.status || undefined,
      from: localInputToIso(filters.from),
      to: localInputToIso(filters.to),
      limit: pageSize,
      cursor,
    }),
    [props.entityRef, filters, pageSize, cursor],
  );
  // A page prefetched before the tab's code had loaded, already answered: shown on the first
  // render, so the rows do not wait for a render without them and the read's hand-over.
  const [arrived] = useState(() => ({
    query,
    page: tick ? undefined : peekReleases(api, query),
  }));
  const read = useAsync(
    // The first load of the tab takes the page started before the tab's code had loaded.
    () => (tick ? api.listReleases(query) : readReleases(api, query)),
    [api, query, tick],
  );
  const value =
    read.value ??
    (read.loading && arrived.query === query ? arrived.page : undefined);
  const { loading, error } = read;

  // Counted apart from the page, which shows first; a count that fails only leaves the total out.
  const count = useAsync(async () => {
    // An API implementation from before the count existed answers no total.
    if (typeof api.countReleases !== 'function') return undefined;
    const counted = {
      entityRef: props.entityRef,
      environment: filters.environment || undefined,
      status: filters.status || undefined,
      from: localInputToIso(filters.from),
      to: localInputToIso(filters.to),
    };
    return tick ? api.countReleases(counted) : readReleaseCount(api, counted);
  }, [api, props.entityRef, filters, tick]);

  const focusRing = useFocusRing();
  const actors = useMemo(() => (value?.items ?? []).map(r => r.actor), [value]);
  const knownUsers = useCatalogUsers(actors);
  // The opener changes whenever the page's URL does (a release opened, a filter set); read
  // through a ref, it leaves the columns, and so every row, as they are.
  const onOpenRelease = useRef(props.onOpenRelease);
  useLayoutEffect(() => {
    onOpenRelease.current = props.onOpenRelease;
  });
  const open = useCallback((id: string) => onOpenRelease.current(id), []);
  const columns = useMemo(
    () =>
      releaseColumns({
        repository: props.repository,
        onOpen: open,
        focusRingClassName: focusRing.focusRing,
      }),
    [props.repository, open, focusRing.focusRing],
  );
  const openRow = useCallback((row: Release) => open(row.id), [open]);

  return (
    <>
      {painted ? (
        <ReleaseFilters
          environments={props.environments}
          value={filters}
          onChange={setFilters}
        />
      ) : (
        // As tall as the filters on one line, so the rows do not move when they arrive.
        <div style={{ minHeight: FILTERS_HEIGHT }} />
      )}
      {error ? (
        <LoadError error={error} what="this entity's releases" />
      ) : (
        <div id={props.id} tabIndex={-1}>
        <KnownUsersContext.Provider value={knownUsers}>
        <ReleaseTable
          title="Release history"
          columns={columns}
          rows={value?.items ?? NO_RELEASES}
          loading={loading && !value}
          onRowClick={openRow}
          emptyContent={
            <Typography variant="body2" style={{ padding: 16 }}>
              {isFiltered(filters) ? 'No release matches these filters.' : 'No release recorded yet.'}
            </Typography>
          }
        />
        </KnownUsersContext.Provider>
        </div>
      )}
      {painted && (
        <CursorPager
          page={page}
          shown={value?.items.length ?? 0}
          total={count.value}
          hasNext={!!value?.nextCursor}
          pageSize={pageSize}
          disabled={loading}
          onPrevious={() => setCursors(cursors.length > 1 ? cursors.slice(0, -1) : cursors)}
          onNext={() => {
            const next = value?.nextCursor;
            if (next) setCursors([...cursors, next]);
          }}
          onPageSize={setPageSize}
        />
      )}
    </>
  );
}

function isFiltered(filters: ReleaseFilterValues): boolean {
  return Object.values(filters).some(Boolean);
}
