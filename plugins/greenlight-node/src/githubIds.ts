/**
 * How Greenlight names GitHub facts. The built-in GitHub webhook and the GitHub backfill
 * module both use these rules, so a deployment delivered live and read back from the REST
 * API is one deployment with the same events, whichever arrives first.
 */

/**
 * `github.com/<owner>/<repo>`, the form the ledger matches against `github.com/project-slug`.
 *
 * @public
 */
export const githubRepository = (fullName: string) => `github.com/${fullName}`;

/**
 * Deployment ids are per repository on GitHub's side; Greenlight's must be global.
 *
 * @public
 */
export const githubDeploymentId = (fullName: string, id: string | number) =>
  `${githubRepository(fullName)}/deployments/${id}`;

/**
 * Ids of the native events made from one GitHub deployment (before the ledger qualifies
 * them with the source, `github:`).
 *
 * @public
 */
export const githubDeploymentEventIds = {
  /** The `deployment.started` made from the deployment itself. */
  created: (fullName: string, id: string | number) =>
    `${githubDeploymentId(fullName, id)}/created`,
  /** The `deployment.finished` made from one of its statuses. */
  status: (fullName: string, id: string | number, statusId: number) =>
    `${githubDeploymentId(fullName, id)}/statuses/${statusId}`,
  /**
   * The commits the deployment shipped, known only by comparing it with the previous
   * deployment of its environment (the webhook cannot tell them).
   */
  commits: (fullName: string, id: string | number) =>
    `${githubDeploymentId(fullName, id)}/commits`,
  /** The `commits` event with those commits' times, authors and pull requests. */
  compare: (fullName: string, id: string | number) =>
    `${githubDeploymentId(fullName, id)}/compare`,
};

/**
 * GitHub deployment states that finish a deployment, and the status each becomes.
 * GitHub marks a deployment `inactive` when a newer one replaces it, whether or not it had
 * succeeded. As `cancelled` it ranks below `succeeded` in the ledger, so a deployment that
 * succeeded stays succeeded and one that never finished ends cancelled.
 *
 * @public
 */
export const githubFinishedStates: Readonly<
  Record<string, 'succeeded' | 'failed' | 'cancelled'>
> = {
  success: 'succeeded',
  failure: 'failed',
  error: 'failed',
  inactive: 'cancelled',
};
