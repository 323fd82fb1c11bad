import { InfoCard, Link, Progress } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { ReactNode } from 'react';
import type { Release, RolloutView, UnmappedEvent } from '../../api';
import { formatDateTime, formatRelative } from '../../lib/format';
import { LoadError, StatusChip } from '../common';
import { useEntityTabPath } from '../Governance/entityPaths';

type Load<T> = { value?: T; loading: boolean; error?: Error };

/** A card over one organisation-wide read: progress, error, empty text or the table. */
function LoadedCard<T>(props: {
  title: string;
  load: Load<T[]>;
  what: string;
  empty: string;
  children: (items: T[]) => ReactNode;
}) {
  const { value, loading, error } = props.load;
  let body;
  if (loading && !value) body = <Progress />;
  else if (error) body = <LoadError error={error} what={props.what} />;
  else if (!value || value.length === 0)
    body = <Typography variant="body2">{props.empty}</Typography>;
  else body = props.children(value);
  return <InfoCard title={props.title}>{body}</InfoCard>;
}

function EntityLink(props: {
  entityRef: string | null;
  tab: string;
  search?: Record<string, string>;
}) {
  const tabPath = useEntityTabPath();
  if (!props.entityRef) return <>unknown entity</>;
  return (
    <Link to={tabPath(props.entityRef, props.tab, props.search)}>
      {props.entityRef.split('/').pop()}
    </Link>
  );
}

type Column<T> = { title: string; render: (item: T) => ReactNode };

/** One row per item, one cell per column; the first column heads its row. */
function ItemTable<T extends { id: string }>(props: {
  label: string;
  columns: Column<T>[];
  items: T[];
}) {
  const [first, ...rest] = props.columns;
  return (
    <Table size="small" aria-label={props.label}>
      <TableHead>
        <TableRow>
          {props.columns.map(c => (
            <TableCell key={c.title}>{c.title}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.items.map(item => (
          <TableRow key={item.id}>
            <TableCell component="th" scope="row">
              {first.render(item)}
            </TableCell>
            {rest.map(c => (
              <TableCell key={c.title}>{c.render(item)}</TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** The service, linked to the release on its Delivery tab. */
const serviceColumn = <T extends { entityRef: string | null }>(
  releaseOf: (item: T) => string,
): Column<T> => ({
  title: 'Service',
  render: item => (
    <EntityLink
      entityRef={item.entityRef}
      tab="delivery"
      search={{ release: releaseOf(item) }}
    />
  ),
});

const rolloutColumns: Column<RolloutView>[] = [
  serviceColumn(r => r.deploymentId),
  { title: 'Environment', render: r => r.environment },
  { title: 'Strategy', render: r => r.strategy },
  { title: 'State', render: r => <StatusChip status={r.state} /> },
  { title: 'Started', render: r => formatRelative(r.startedAt) },
];

const releaseColumns: Column<Release>[] = [
  serviceColumn(r => r.id),
  { title: 'Version', render: r => r.version ?? r.id },
  { title: 'Environment', render: r => r.environment },
  { title: 'Status', render: r => <StatusChip status={r.status} /> },
  { title: 'When', render: r => formatDateTime(r.finishedAt ?? r.startedAt) },
];

const unmappedColumns: Column<UnmappedEvent>[] = [
  { title: 'Event', render: e => <code>{e.id}</code> },
  { title: 'Type', render: e => e.type },
  {
    title: 'Keys it carries',
    render: e =>
      Object.entries(e.keys)
        .map(([k, v]) => `${k}=${v}`)
        .join(', '),
  },
  { title: 'Received', render: e => formatDateTime(e.receivedAt) },
];

/** Rollouts under way on every entity the reader may see. */
export function RolloutsInProgress(props: { load: Load<RolloutView[]> }) {
  return (
    <LoadedCard
      title="Rollouts in progress"
      load={props.load}
      what="rollouts in progress"
      empty="No rollout is in progress."
    >
      {items => (
        <ItemTable
          label="Rollouts in progress"
          columns={rolloutColumns}
          items={items}
        />
      )}
    </LoadedCard>
  );
}

/** The newest releases across services. */
export function LatestReleases(props: { load: Load<Release[]> }) {
  return (
    <LoadedCard
      title="Latest releases"
      load={props.load}
      what="the latest releases"
      empty="No release recorded yet."
    >
      {items => (
        <ItemTable
          label="Latest releases"
          columns={releaseColumns}
          items={items}
        />
      )}
    </LoadedCard>
  );
}

/** Events whose keys matched no catalog entity: a service without the right annotation, usually. */
export function UnmappedEvents(props: { load: Load<UnmappedEvent[]> }) {
  return (
    <LoadedCard
      title="Unmapped events waiting for an owner"
      load={props.load}
      what="unmapped events"
      empty="Every event is attached to a catalog entity."
    >
      {items => (
        <ItemTable
          label="Unmapped events"
          columns={unmappedColumns}
          items={items}
        />
      )}
    </LoadedCard>
  );
}
