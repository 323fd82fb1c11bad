import { Link } from '@backstage/core-components';
import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@material-ui/core';
import { ReleaseDetail } from '../../api';
import { formatDateTime } from '../../lib/format';
import { ActorName, CommitLink, PullRequestLink, StatusChip } from '../common';
import { auditSummary } from './auditSummary';

function Empty(props: { children: string }) {
  return (
    <Typography variant="body2" color="textSecondary">
      {props.children}
    </Typography>
  );
}

export function CommitsTable(props: { commits: ReleaseDetail['commits']; repository?: string }) {
  if (props.commits.length === 0) {
    return <Empty>This release brought no new commit to its environment (a redeploy or a rollback).</Empty>;
  }
  return (
    <Table size="small" aria-label="Commits brought by this release">
      <TableHead>
        <TableRow>
          <TableCell>Commit</TableCell>
          <TableCell>Title</TableCell>
          <TableCell>Author</TableCell>
          <TableCell>Pull request</TableCell>
          <TableCell>Merged</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.commits.map(c => {
          const repository = c.repository ?? props.repository;
          return (
            <TableRow key={c.sha}>
              <TableCell>
                <CommitLink sha={c.sha} repository={repository} />
              </TableCell>
              <TableCell>{c.title ?? '—'}</TableCell>
              <TableCell>{c.author ?? '—'}</TableCell>
              <TableCell>{c.prNumber ? <PullRequestLink prNumber={c.prNumber} repository={repository} /> : '—'}</TableCell>
              <TableCell>{formatDateTime(c.mergedAt ?? c.committedAt)}</TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

const MATCHED_BY = { artifact: 'same artifact digest', build: 'same build', commit: 'same commit' };

export function TestsTable(props: { tests: ReleaseDetail['tests'] }) {
  if (props.tests.length === 0) return <Empty>No test run was reported for this artifact, build or commit.</Empty>;
  return (
    <Table size="small" aria-label="Test evidence">
      <TableHead>
        <TableRow>
          <TableCell>Suite</TableCell>
          <TableCell>Outcome</TableCell>
          <TableCell align="right">Failures / total</TableCell>
          <TableCell>Finished</TableCell>
          <TableCell>Tied by</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.tests.map(t => (
          <TableRow key={t.id}>
            <TableCell>{t.url ? <Link to={t.url}>{t.suite}</Link> : t.suite}</TableCell>
            <TableCell>
              <StatusChip status={t.outcome} prefix={`Suite ${t.suite}`} />
            </TableCell>
            <TableCell align="right">
              {t.failures ?? '—'} / {t.total ?? '—'}
            </TableCell>
            <TableCell>{formatDateTime(t.finishedAt)}</TableCell>
            <TableCell>{MATCHED_BY[t.matchedBy] ?? t.matchedBy}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function IncidentsTable(props: { incidents: ReleaseDetail['incidents'] }) {
  if (props.incidents.length === 0) return <Empty>No incident is attributed to this release.</Empty>;
  return (
    <Table size="small" aria-label="Incidents attributed to this release">
      <TableHead>
        <TableRow>
          <TableCell>Incident</TableCell>
          <TableCell>Severity</TableCell>
          <TableCell>Detected</TableCell>
          <TableCell>Resolved</TableCell>
          <TableCell>Evidence</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.incidents.map(i => (
          <TableRow key={i.id}>
            <TableCell>{i.title ?? i.id}</TableCell>
            <TableCell>{i.severity ?? '—'}</TableCell>
            <TableCell>{formatDateTime(i.detectedAt)}</TableCell>
            <TableCell>{i.resolvedAt ? formatDateTime(i.resolvedAt) : 'Open'}</TableCell>
            <TableCell>{i.evidence ?? '—'}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function AuditTable(props: {
  audit: ReleaseDetail['audit'];
  /** The bare actor names the catalog knows as users (see `lib/actor.ts`). */
  knownUsers: ReadonlySet<string>;
}) {
  if (props.audit.length === 0) return <Empty>No audit entry.</Empty>;
  // In the order things happened, which for an event sent late is not the order it was recorded.
  const entries = [...props.audit].sort(
    (a, b) => (a.eventAt ?? a.at).localeCompare(b.eventAt ?? b.at) || a.at.localeCompare(b.at),
  );
  return (
    <Table size="small" aria-label="Audit trail">
      <TableHead>
        <TableRow>
          <TableCell>When</TableCell>
          <TableCell>Who</TableCell>
          <TableCell>What happened</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {entries.map((entry, index) => (
          <TableRow key={`${entry.at}-${index}`}>
            <TableCell style={{ whiteSpace: 'nowrap' }}>
              {formatDateTime(entry.eventAt ?? entry.at)}
              {entry.eventAt && entry.eventAt !== entry.at && (
                <Typography variant="caption" display="block" color="textSecondary">
                  recorded {formatDateTime(entry.at)}
                </Typography>
              )}
            </TableCell>
            <TableCell>
              <ActorName actor={entry.actor} knownUsers={props.knownUsers} />
            </TableCell>
            <TableCell>
              <Typography variant="body2">{auditSummary(entry)}</Typography>
              <Typography variant="caption" color="textSecondary">
                {entry.action}
              </Typography>
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
