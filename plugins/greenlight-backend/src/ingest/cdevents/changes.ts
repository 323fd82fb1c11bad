import { createHash } from 'node:crypto';
import { z } from 'zod';
import { ignore } from '../outcome';
import { normalizeRepository } from '../repository';
import { isGitSha } from './customData';
import { Mapper, readContent, reference, subjectFields } from './mapperKit';

const changeContent = z.object({ repository: reference.optional() });

/**
 * The commit key of a CDEvents change: a change is named by its id and source, and
 * `artifact.packaged` names the change it was built from the same way (`content.change`).
 * v0.4/v0.5 changes carry no commit SHA, so the change is recorded as a commit whose SHA
 * is this key (64 hex digits, SHA-256 of the pair), the commit of the artifact built from
 * it. A reference without a source is in the source of the event that holds it.
 */
export function changeCommitKey(change: {
  id: string;
  source: string;
}): string {
  return createHash('sha256')
    .update(JSON.stringify(['cdevents-change', change.source, change.id]))
    .digest('hex');
}

/**
 * change.merged → commits: the change itself under its commit key, so that artifacts
 * and deployments built from it find their way back to it, and the merge commit too when
 * its SHA is known (`customData.commitSha`, or a subject id that is itself a SHA). The
 * merge commit is created when the change merges, so the event time is both its commit
 * and merge time: lead time from a CDEvents stream is measured from the merge. A numeric
 * change id is taken as the pull request number.
 */
export const mapChangeMerged: Mapper = ({ event, hints }) => {
  const read = readContent(changeContent, event);
  if (!read.ok) return read.translation;
  const { repository } = read.content;
  const changeId = event.subject.id;
  const sha = hints.commitSha ?? (isGitSha(changeId) ? changeId : undefined);
  const repo = repository
    ? normalizeRepository(
        repository.id,
        repository.source ?? event.subject.source,
      )
    : undefined;
  if (!repo) {
    return ignore('change.merged names no repository Greenlight can resolve');
  }
  const prNumber = /^\d+$/.test(changeId) ? Number(changeId) : undefined;
  const commit = (commitSha: string) => ({
    sha: commitSha,
    repository: repo,
    committedAt: event.context.timestamp,
    mergedAt: event.context.timestamp,
    prNumber: prNumber && prNumber > 0 ? prNumber : undefined,
  });
  const key = changeCommitKey({
    id: changeId,
    source: event.subject.source ?? event.context.source,
  });
  return {
    events: [
      {
        type: 'commits',
        time: event.context.timestamp,
        ...subjectFields(hints, { repository: repo }),
        commits: [...(sha ? [commit(sha)] : []), commit(key)],
      },
    ],
  };
};
