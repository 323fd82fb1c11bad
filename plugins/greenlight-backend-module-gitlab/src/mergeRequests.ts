import { gitlabTime } from './gitlabTime';
import { mergeRequestEventSchema } from './payloads';
import { gitlabRepository, gitSha } from './repository';
import { ignore, Translation, unreadable } from './translation';
import { withoutUnsafeCharacters } from '@greenlight/backstage-plugin-greenlight-common';

/**
 * Merge Request Hook with action `merge` → `commits`: the commit the merge put on the
 * target branch (`merge_commit_sha`, else the last commit of a fast-forward merge), with
 * when it was merged and the merge request's number, title and author, for lead time.
 */
export function mapMergeRequest(payload: unknown): Translation {
  const parsed = mergeRequestEventSchema.safeParse(payload);
  if (!parsed.success) return unreadable('Merge Request Hook', parsed.error);
  const { project, object_attributes: mr } = parsed.data;
  if (mr.action !== 'merge') {
    return ignore(
      `merge request ${mr.action ?? mr.state ?? 'event'} is not used`,
    );
  }
  const sha = gitSha(mr.merge_commit_sha) ?? gitSha(mr.last_commit?.id);
  const mergedAt = gitlabTime(mr.merged_at) ?? gitlabTime(mr.updated_at);
  const committedAt = gitlabTime(mr.last_commit?.timestamp) ?? mergedAt;
  if (!sha || !committedAt) {
    return ignore('merged merge request without a commit SHA or a time');
  }
  const repository = gitlabRepository(project);
  return {
    events: [
      {
        id: `${repository}/merge_requests/${mr.iid}/merged`,
        type: 'commits',
        time: mergedAt,
        repository,
        commits: [
          {
            sha,
            repository,
            authoredAt: gitlabTime(mr.last_commit?.timestamp),
            committedAt,
            mergedAt,
            author: mr.last_commit?.author?.name,
            prNumber: mr.iid,
            // Anyone's free text: replaced where the schema would refuse the delivery.
            title:
              mr.title === undefined
                ? undefined
                : withoutUnsafeCharacters(mr.title),
          },
        ],
      },
    ],
  };
}
