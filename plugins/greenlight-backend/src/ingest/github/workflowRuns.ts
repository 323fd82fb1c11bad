import { z } from 'zod';
import { firstIssue, ignore, Translation } from '../outcome';
import { githubRepository } from '../repository';
import { workflowRunEventSchema } from './payloads';

/** The build type GitHub's own build provenance uses for workflow runs. */
export const GITHUB_WORKFLOW_BUILD_TYPE =
  'https://actions.github.io/buildtypes/workflow/v1';

/** Conclusions that are a verdict on the build; the rest (cancelled, skipped, neutral, …) are not. */
const STATUSES: Record<string, 'succeeded' | 'failed'> = {
  success: 'succeeded',
  failure: 'failed',
  timed_out: 'failed',
  startup_failure: 'failed',
};

/**
 * workflow_run completed → build. Each attempt is its own build (a re-run can produce
 * different artifacts). The builder names the workflow file, the identity GitHub's
 * build provenance ties artifacts to.
 */
export function mapWorkflowRun(payload: unknown): Translation {
  const parsed = workflowRunEventSchema.safeParse(payload);
  if (!parsed.success) return { invalid: firstIssue(parsed.error) };
  const { action, workflow_run: run, repository } = parsed.data;
  if (action !== 'completed')
    return ignore(`workflow_run ${action} is not used`);
  const status = run.conclusion ? STATUSES[run.conclusion] : undefined;
  if (!status) {
    return ignore(
      `workflow run conclusion ${
        run.conclusion ?? 'null'
      } is neither a success nor a failure`,
    );
  }
  const repo = githubRepository(repository.full_name);
  const attempt = run.run_attempt ?? 1;
  const buildId = `${repo}/actions/runs/${run.id}/attempts/${attempt}`;
  return {
    id: `${buildId}/completed`,
    events: [
      {
        type: 'build',
        time: run.updated_at,
        repository: repo,
        build: {
          id: buildId,
          url:
            run.html_url && z.url().safeParse(run.html_url).success
              ? run.html_url
              : undefined,
          repository: repo,
          commitSha: run.head_sha,
          builder: run.path ? `https://${repo}/${run.path}` : undefined,
          buildType: GITHUB_WORKFLOW_BUILD_TYPE,
          status,
          startedAt: run.run_started_at ?? undefined,
          finishedAt: run.updated_at,
        },
      },
    ],
  };
}
