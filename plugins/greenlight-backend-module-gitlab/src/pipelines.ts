import { gitlabTime } from './gitlabTime';
import { pipelineEventSchema } from './payloads';
import { absoluteUrl, gitlabRepository, gitSha } from './repository';
import { ignore, Translation, unreadable } from './translation';

/** Statuses that are a verdict on the build; running, canceled, skipped and the like are not. */
const VERDICTS = { success: 'succeeded', failed: 'failed' } as const;

/**
 * Pipeline Hook (success or failed) → `build`. The payload lists jobs and their statuses
 * but no test results, so no `test.run` is made from it.
 */
export function mapPipeline(payload: unknown): Translation {
  const parsed = pipelineEventSchema.safeParse(payload);
  if (!parsed.success) return unreadable('Pipeline Hook', parsed.error);
  const { project, object_attributes: pipeline } = parsed.data;
  if (!Object.hasOwn(VERDICTS, pipeline.status)) {
    return ignore(`pipeline status ${pipeline.status} is not a verdict`);
  }
  const repository = gitlabRepository(project);
  const buildId = `${repository}/pipelines/${pipeline.id}`;
  const status = VERDICTS[pipeline.status as keyof typeof VERDICTS];
  return {
    events: [
      {
        id: `${buildId}/${pipeline.status}`,
        type: 'build',
        time: gitlabTime(pipeline.finished_at),
        repository,
        build: {
          id: buildId,
          url: absoluteUrl(pipeline.url),
          repository,
          commitSha: gitSha(pipeline.sha),
          status,
          startedAt: gitlabTime(pipeline.created_at),
          finishedAt: gitlabTime(pipeline.finished_at),
        },
      },
    ],
  };
}
