import { z } from 'zod';
import { withoutUnsafeCharacters } from '@greenlight/backstage-plugin-greenlight-common';
import { firstIssue, ignore, Translation } from '../outcome';
import { githubRepository } from '../repository';
import { pushEventSchema } from './payloads';

/**
 * push → commits, for the default branch only: a commit counts for delivery metrics
 * once it lands where releases are cut from, and the time it landed (the push) is its
 * merge time. Branch and tag pushes, and deletions, are ignored.
 */
export function mapPush(payload: unknown): Translation {
  const parsed = pushEventSchema.safeParse(payload);
  if (!parsed.success) return { invalid: firstIssue(parsed.error) };
  const { ref, after, deleted, repository, commits } = parsed.data;
  const defaultBranch = repository.default_branch ?? repository.master_branch;
  if (!defaultBranch)
    return ignore('the push does not name the default branch');
  if (ref !== `refs/heads/${defaultBranch}`) {
    return ignore(
      `push to ${ref} is not to the default branch ${defaultBranch}`,
    );
  }
  if (deleted) return ignore('the push deletes the branch');
  if (commits.length === 0) return ignore('the push carries no commits');
  const repo = githubRepository(repository.full_name);
  const pushedAt = toIso(repository.pushed_at);
  return {
    id: `${repo}/pushes/${ref}/${after}`,
    events: [
      {
        type: 'commits',
        time: pushedAt,
        repository: repo,
        commits: commits.map(commit => {
          // A commit message is anyone's free text (a pasted terminal colour code, a
          // right-to-left mark): what the schema would refuse is replaced, so that one
          // commit does not lose the whole push, which GitHub does not deliver again.
          const title = withoutUnsafeCharacters(
            commit.message.split('\n')[0].trim().slice(0, 500),
          );
          return {
            sha: commit.id,
            repository: repo,
            committedAt: commit.timestamp,
            mergedAt: pushedAt,
            author: commit.author?.username || commit.author?.name || undefined,
            title: title || undefined,
            prNumber: pullRequestNumber(title),
          };
        }),
      },
    ],
  };
}

/** GitHub's own merge and squash-merge titles name the pull request. */
function pullRequestNumber(title: string): number | undefined {
  const match =
    /^Merge pull request #(\d+) from /.exec(title) ?? /\(#(\d+)\)$/.exec(title);
  const number = match ? Number(match[1]) : 0;
  return number > 0 && Number.isSafeInteger(number) ? number : undefined;
}

function toIso(value: number | string | null | undefined): string | undefined {
  if (typeof value === 'number') {
    const date = new Date(value * 1000);
    return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
  }
  return value && z.iso.datetime({ offset: true }).safeParse(value).success
    ? value
    : undefined;
}
