import { Table } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { Typography } from '@material-ui/core';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { greenlightApiRef } from '../../api';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';
import { LoadError } from '../common';
import { releaseColumns } from './columns';
import { CursorPager } from './CursorPager';
import { EMPTY_FILTERS, localInputToIso, ReleaseFilters, ReleaseFilterValues } from './ReleaseFilters';

/** The entity's releases, newest first, filtered and paged on the server. */
export function ReleaseHistory(props: {
  entityRef: string;
  environments: string[];
  repository?: string;
  onOpenRelease: (id: string) => void;
}) {
  const api = useApi(greenlightApiRef);
  const tick = useDeliveryRefresh();
  const [filters, setFilters] = useState<ReleaseFilterValues>(EMPTY_FILTERS);
  const [pageSize, setPageSize] = useState(25);
  // cursors[i] fetches page i; page 0 needs none.
  const [cursors, setCursors] = useState<Array<string | undefined>>([undefined]);
  const page = cursors.length - 1;
  const cursor = cursors[page];

  const { value, loading, error } = useAsync(
    () =>
      api.listReleases({
        entityRef: props.entityRef,
        environment: filters.environment || undefined,
        status: filters.status || undefined,
        from: localInputToIso(filters.from),
        to: localInputToIso(filters.to),
        limit: pageSize,
        cursor,
      }),
    [api, props.entityRef, filters, pageSize, cursor, tick],
  );

  const restart = () => setCursors([undefined]);
  const columns = useMemo(
    () => releaseColumns({ repository: props.repository, onOpen: props.onOpenRelease }),
    [props.repository, props.onOpenRelease],
  );

  return (
    <>
      <ReleaseFilters
        environments={props.environments}
        value={filters}
        onChange={next => {
          setFilters(next);
          restart();
        }}
      />
      {error ? (
        <LoadError error={error} what="this entity's releases" />
      ) : (
        <Table
          title="Release history"
          columns={columns}
          data={value?.items ?? []}
          isLoading={loading && !value}
          options={{ paging: false, search: false, padding: 'dense', sorting: false, draggable: false }}
          onRowClick={(_event, row) => row && props.onOpenRelease(row.id)}
          emptyContent={
            <Typography variant="body2" style={{ padding: 16 }}>
              {isFiltered(filters) ? 'No release matches these filters.' : 'No release recorded yet.'}
            </Typography>
          }
        />
      )}
      <CursorPager
        page={page}
        hasNext={!!value?.nextCursor}
        pageSize={pageSize}
        disabled={loading}
        onPrevious={() => setCursors(stack => (stack.length > 1 ? stack.slice(0, -1) : stack))}
        onNext={() => {
          const next = value?.nextCursor;
          if (next) setCursors(stack => [...stack, next]);
        }}
        onPageSize={size => {
          setPageSize(size);
          restart();
        }}
      />
    </>
  );
}

function isFiltered(filters: ReleaseFilterValues): boolean {
  return Object.values(filters).some(Boolean);
}
