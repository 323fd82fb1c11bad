import { Link, Progress } from '@backstage/core-components';
import { Box, Typography } from '@material-ui/core';
import { Fragment, useMemo } from 'react';
import { useLocation } from 'react-router-dom';
import { formatDateTime, formatDuration } from '../../lib/format';
import {
  ActorName,
  CommitLink,
  CopyValueButton,
  LoadError,
  PromotionChip,
  StatusChip,
  useCatalogUsers,
} from '../common';
import { RolloutSection } from '../Rollout';
import { AuditTable, CommitsTable, IncidentsTable, TestsTable } from './EvidenceTables';
import { Facts, Section } from './Facts';
import { ProvenanceSection } from './ProvenanceSection';
import { useReleaseDetail } from './useReleaseDetail';

/** Everything known about one release: what it brought, its evidence and its fate. */
export function ReleaseDetailPanel(props: { releaseId: string; repository?: string }) {
  const { release, loading, error } = useReleaseDetail(props.releaseId);
  const actors = useMemo(
    () => (release ? [release.actor, ...release.audit.map(entry => entry.actor)] : []),
    [release],
  );
  const knownUsers = useCatalogUsers(actors);
  const location = useLocation();
  /** A link that opens another release in this drawer, keeping the rest of the page's query. */
  const releaseLink = (id: string) => {
    const params = new URLSearchParams(location.search);
    params.set('release', id);
    return (
      <Link key={id} to={`${location.pathname}?${params.toString()}`}>
        {id}
      </Link>
    );
  };
  const releaseLinks = (ids: string[]) =>
    ids.length === 0
      ? undefined
      : ids.map((id, i) => (
          <Fragment key={id}>
            {i > 0 && ', '}
            {releaseLink(id)}
          </Fragment>
        ));
  if (loading) return <Progress />;
  if (error && !release) return <LoadError error={error} what="this release" />;
  if (!release) return null;
  const title = release.version ?? release.commitSha?.slice(0, 7) ?? release.id;
  return (
    <Box>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
        <Typography variant="h5" component="h2">
          {title} to {release.environment}
        </Typography>
        <StatusChip status={release.status} prefix="Release status" />
        <PromotionChip promotion={release.promotion} />
      </Box>
      {error && (
        <Typography variant="body2" color="error" role="status">
          Could not refresh this release, showing what was last loaded: {error.message}
        </Typography>
      )}
      <Facts
        label="Release"
        rows={[
          ['Release', release.id],
          ['Strategy', `${release.strategy}, ${release.intent}`],
          [
            'Commit',
            release.commitSha ? (
              <Fragment key="c">
                <CommitLink sha={release.commitSha} repository={props.repository} />
                <CopyValueButton value={release.commitSha} what="commit SHA" />
              </Fragment>
            ) : undefined,
          ],
          ['Started', release.startedAt ? formatDateTime(release.startedAt) : undefined],
          ['Finished', release.finishedAt ? formatDateTime(release.finishedAt) : undefined],
          ['Duration', release.durationMs !== null ? formatDuration(release.durationMs) : undefined],
          ['By', release.actor ? <ActorName key="by" actor={release.actor} knownUsers={knownUsers} /> : undefined],
          ['Reported by', release.sourceSystem],
          ['Pipeline', release.url ? <Link to={release.url}>{release.url}</Link> : undefined],
          ['Rolls back', release.rollbackOf ? releaseLink(release.rollbackOf) : undefined],
          ['Restores', release.restoredFrom ? releaseLink(release.restoredFrom) : undefined],
          ['Replaces', release.replaces ? releaseLink(release.replaces) : undefined],
          ['Rolled back by', releaseLinks(release.rolledBackBy)],
        ]}
      />
      <Section title="Provenance">
        <ProvenanceSection release={release} />
      </Section>
      {release.rolloutId && (
        <Section title="Rollout">
          {/* The rollout loads on its own, and again on each of the tab's refreshes, with the
              release itself: the watcher rolling it back shows in both at once. */}
          <RolloutSection rolloutId={release.rolloutId} />
        </Section>
      )}
      <Section title={`Commits (${release.commits.length})`}>
        <CommitsTable commits={release.commits} repository={props.repository} />
      </Section>
      <Section title="Tests">
        <TestsTable tests={release.tests} />
      </Section>
      <Section title="Incidents">
        <IncidentsTable incidents={release.incidents} />
      </Section>
      <Section title="Audit trail">
        <AuditTable audit={release.audit} knownUsers={knownUsers} />
      </Section>
    </Box>
  );
}
