import type { IngestionSourceContext } from '@greenlight/backstage-plugin-greenlight-node';
import { GithubApi, Page } from './GithubApi';
import {
  comparisonSchema,
  compactDeployment,
  compactPull,
  compactStatus,
  GithubComparison,
  GithubDeployment,
  GithubDeploymentStatus,
  GithubPull,
  parseItem,
} from './githubShapes';
import { mapDeploymentHistory } from './mapHistory';

export type BackfillPhase = 'pulls' | 'deployments' | 'ingest' | 'done';

/** Where one entity's backfill stands; saved after every page and every deployment. */
export type BackfillCursor = {
  repository: string;
  /** The value of the request annotation this backfill answers, if any. */
  request?: string;
  since: string;
  startedAt: string;
  finishedAt?: string;
  phase: BackfillPhase;
  /** The next page to read in the listing phases. */
  next?: string;
  pages: number;
  /** How many listed deployments, oldest first, have been written. */
  index: number;
};

/** What `GET /v1/sources` shows under `progress:<entityRef>`. */
export type BackfillProgress = {
  repository: string;
  phase: BackfillPhase;
  pages: number;
  deploymentsDone: number;
  deploymentsTotal?: number;
  startedAt: string;
  finishedAt?: string;
};

export const stateKeys = {
  cursor: (entityRef: string) => `cursor:${entityRef}`,
  deployments: (entityRef: string) => `deployments:${entityRef}`,
  pulls: (entityRef: string) => `pulls:${entityRef}`,
  progress: (entityRef: string) => `progress:${entityRef}`,
};

const PER_PAGE = 100;

/**
 * Reads one repository's last days of history and writes it for the entity, resuming from
 * the cursor: first the merged pull requests, then the deployments (newest first, as
 * GitHub lists them), then each deployment oldest first with its statuses and the commits
 * it shipped since the previous deployment of its environment.
 */
export async function backfillEntity(options: {
  entityRef: string;
  /** `owner/repo` from `github.com/project-slug`. */
  fullName: string;
  cursor: BackfillCursor;
  /** The cursor in the state when this run read it; undefined for a first backfill. */
  stored?: BackfillCursor;
  context: IngestionSourceContext;
  api: GithubApi;
  signal?: AbortSignal;
}): Promise<BackfillCursor> {
  const { entityRef, fullName, context, api } = options;
  const { state, logger } = context;
  let cursor = { ...options.cursor };
  const repo = `/repos/${fullName}`;
  const sinceMs = Date.parse(cursor.since);
  let stored = options.stored;
  const save = async (deploymentsTotal?: number) => {
    // Only if the cursor is still the one this run last read or wrote: a run that outlived
    // its scheduler lock must not move back the cursor of the run that took over.
    const next = { ...cursor };
    if (
      !(await state.compareAndSet(stateKeys.cursor(entityRef), stored, next))
    ) {
      throw new Error(
        `another run moved the backfill of ${entityRef} on; this one stops`,
      );
    }
    stored = next;
    const progress: BackfillProgress = {
      repository: cursor.repository,
      phase: cursor.phase,
      pages: cursor.pages,
      deploymentsDone: cursor.index,
      deploymentsTotal,
      startedAt: cursor.startedAt,
      finishedAt: cursor.finishedAt,
    };
    await state.set(stateKeys.progress(entityRef), progress);
  };
  const checkAbort = () => {
    if (options.signal?.aborted) {
      throw new Error(`backfill of ${entityRef} stopped; the next run resumes`);
    }
  };

  if (cursor.phase === 'pulls') {
    const pulls =
      (await state.get<GithubPull[]>(stateKeys.pulls(entityRef))) ?? [];
    let next =
      cursor.next ??
      `${repo}/pulls?state=closed&sort=updated&direction=desc&per_page=${PER_PAGE}`;
    for (;;) {
      checkAbort();
      const page = await api.page(next, compactPull);
      pulls.push(...page.items.filter(p => p.mergedAt));
      cursor.pages++;
      // Sorted by update, newest first: a page ending before the window ends the list.
      const older = page.items.some(p => Date.parse(p.updatedAt) < sinceMs);
      if (!page.next || older) break;
      next = page.next;
      cursor.next = next;
      await state.set(stateKeys.pulls(entityRef), pulls);
      await save();
    }
    await state.set(stateKeys.pulls(entityRef), pulls);
    cursor = { ...cursor, phase: 'deployments', next: undefined };
    await save();
    logger.info(
      `Backfill of ${entityRef}: ${pulls.length} merged pull requests read`,
    );
  }

  if (cursor.phase === 'deployments') {
    const listed =
      (await state.get<GithubDeployment[]>(stateKeys.deployments(entityRef))) ??
      [];
    let next = cursor.next ?? `${repo}/deployments?per_page=${PER_PAGE}`;
    for (;;) {
      checkAbort();
      const page = await api.page(next, compactDeployment);
      const inWindow = page.items.filter(
        d => Date.parse(d.createdAt) >= sinceMs,
      );
      const seen = new Set(listed.map(d => d.id));
      listed.push(...inWindow.filter(d => !seen.has(d.id)));
      cursor.pages++;
      if (!page.next || inWindow.length < page.items.length) break;
      next = page.next;
      cursor.next = next;
      await state.set(stateKeys.deployments(entityRef), listed);
      await save();
    }
    listed.sort(
      (a, b) =>
        Date.parse(a.createdAt) - Date.parse(b.createdAt) || a.id - b.id,
    );
    await state.set(stateKeys.deployments(entityRef), listed);
    cursor = { ...cursor, phase: 'ingest', next: undefined, index: 0 };
    await save(listed.length);
    logger.info(
      `Backfill of ${entityRef}: ${listed.length} deployments since ${cursor.since} to write`,
    );
  }

  if (cursor.phase === 'ingest') {
    const deployments =
      (await state.get<GithubDeployment[]>(stateKeys.deployments(entityRef))) ??
      [];
    const pulls = new Map(
      (
        (await state.get<GithubPull[]>(stateKeys.pulls(entityRef))) ?? []
      ).flatMap(p =>
        p.mergeCommitSha ? [[p.mergeCommitSha, p] as const] : [],
      ),
    );
    const total = deployments.length;
    for (let i = cursor.index; i < total; i++) {
      checkAbort();
      const deployment = deployments[i];
      const statuses: GithubDeploymentStatus[] = [];
      let next:
        | string
        | undefined = `${repo}/deployments/${deployment.id}/statuses?per_page=${PER_PAGE}`;
      while (next) {
        const page: Page<GithubDeploymentStatus> = await api.page(
          next,
          compactStatus,
        );
        statuses.push(...page.items);
        next = page.next;
      }
      const previous = deployments
        .slice(0, i)
        .reverse()
        .find(d => d.environment === deployment.environment);
      const comparison =
        previous && previous.sha !== deployment.sha
          ? await compareCommits(
              api,
              `${repo}/compare/${previous.sha}...${deployment.sha}`,
            )
          : undefined;
      await context.ingest({
        entityRef,
        events: mapDeploymentHistory({
          fullName,
          deployment,
          statuses,
          comparison,
          pulls,
        }),
      });
      cursor.index = i + 1;
      await save(total);
      if (cursor.index % 100 === 0) {
        logger.info(
          `Backfill of ${entityRef}: ${cursor.index} of ${total} deployments written, ${api.requests} requests`,
        );
      }
    }
    cursor = {
      ...cursor,
      phase: 'done',
      finishedAt: new Date().toISOString(),
    };
    await save(total);
    // The lists are only needed to resume; a finished backfill keeps its cursor alone.
    await state.set(stateKeys.deployments(entityRef), []);
    await state.set(stateKeys.pulls(entityRef), []);
    logger.info(
      `Backfill of ${entityRef} finished: ${total} deployments, ${cursor.pages} pages listed`,
    );
  }
  return cursor;
}

/**
 * A comparison with every commit it holds: GitHub lists at most 250 commits of a comparison
 * asked without paging parameters, so it is asked page by page and the pages' commits joined
 * (https://docs.github.com/rest/commits/commits#compare-two-commits).
 */
export async function compareCommits(
  api: GithubApi,
  url: string,
): Promise<GithubComparison> {
  let next: string | undefined = `${url}?per_page=${PER_PAGE}`;
  let comparison: GithubComparison | undefined;
  const asked = new Set<string>();
  while (next) {
    // A server that links a page to one already read would otherwise be read for ever. Links
    // are absolute and the first page a path: compare them without the host.
    const pagePath = next.replace(/^https?:\/\/[^/]+/i, '');
    if (asked.has(pagePath)) {
      throw new Error(
        `GitHub linked the comparison ${url} to a page it had already given`,
      );
    }
    asked.add(pagePath);
    const page: { body: unknown; next?: string } = await api.getWithNext(next);
    const parsed = parseItem(comparisonSchema, page.body, 'comparison');
    comparison = comparison
      ? { ...comparison, commits: [...comparison.commits, ...parsed.commits] }
      : parsed;
    next = page.next;
  }
  return comparison!;
}
