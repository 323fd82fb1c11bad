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
        <Table size="small" aria-label="Rollouts in progress">
          <TableHead>
            <TableRow>
              <TableCell>Service</TableCell>
              <TableCell>Environment</TableCell>
              <TableCell>Strategy</TableCell>
              <TableCell>State</TableCell>
              <TableCell>Started</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(r => (
              <TableRow key={r.id}>
                <TableCell component="th" scope="row">
                  <EntityLink
                    entityRef={r.entityRef}
                    tab="delivery"
                    search={{ release: r.deploymentId }}
                  />
                </TableCell>
                <TableCell>{r.environment}</TableCell>
                <TableCell>{r.strategy}</TableCell>
                <TableCell>
                  <StatusChip status={r.state} />
                </TableCell>
                <TableCell>{formatRelative(r.startedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
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
        <Table size="small" aria-label="Latest releases">
          <TableHead>
            <TableRow>
              <TableCell>Service</TableCell>
              <TableCell>Version</TableCell>
              <TableCell>Environment</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>When</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(r => (
              <TableRow key={r.id}>
                <TableCell component="th" scope="row">
                  <EntityLink
                    entityRef={r.entityRef}
                    tab="delivery"
                    search={{ release: r.id }}
                  />
                </TableCell>
                <TableCell>{r.version ?? r.id}</TableCell>
                <TableCell>{r.environment}</TableCell>
                <TableCell>
                  <StatusChip status={r.status} />
                </TableCell>
                <TableCell>
                  {formatDateTime(r.finishedAt ?? r.startedAt)}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
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
        <Table size="small" aria-label="Unmapped events">
          <TableHead>
            <TableRow>
              <TableCell>Event</TableCell>
              <TableCell>Type</TableCell>
              <TableCell>Keys it carries</TableCell>
              <TableCell>Received</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {items.map(e => (
              <TableRow key={e.id}>
                <TableCell component="th" scope="row">
                  <code>{e.id}</code>
                </TableCell>
                <TableCell>{e.type}</TableCell>
                <TableCell>
                  {Object.entries(e.keys)
                    .map(([k, v]) => `${k}=${v}`)
                    .join(', ')}
                </TableCell>
                <TableCell>{formatDateTime(e.receivedAt)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </LoadedCard>
  );
}
