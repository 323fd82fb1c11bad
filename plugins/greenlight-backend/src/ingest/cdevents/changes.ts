import { z } from 'zod';
import { ignore } from '../outcome';
import { normalizeRepository } from '../repository';
import { isGitSha } from './customData';
import { Mapper, readContent, reference, subjectFields } from './mapperKit';

const changeContent = z.object({ repository: reference.optional() });

/**
 * change.merged → commits. v0.4/v0.5 changes carry only the change id and repository,
 * no commit, so the merge commit SHA comes from `customData.commitSha` (or a subject id
 * that is itself a SHA). The merge commit is created when the change merges, so the
 * event time is both its commit and merge time. A numeric change id is taken as the
 * pull request number.
 */
export const mapChangeMerged: Mapper = ({ event, hints }) => {
  const read = readContent(changeContent, event);
  if (!read.ok) return read.translation;
  const { repository } = read.content;
  const changeId = event.subject.id;
  const sha = hints.commitSha ?? (isGitSha(changeId) ? changeId : undefined);
  if (!sha) {
    return ignore(
      'change.merged carries no commit SHA; send it as customData.commitSha',
    );
  }
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
  return {
    events: [
      {
        type: 'commits',
        time: event.context.timestamp,
        ...subjectFields(hints, { repository: repo }),
        commits: [
          {
            sha,
            repository: repo,
            committedAt: event.context.timestamp,
            mergedAt: event.context.timestamp,
            prNumber: prNumber && prNumber > 0 ? prNumber : undefined,
          },
        ],
      },
    ],
  };
};
