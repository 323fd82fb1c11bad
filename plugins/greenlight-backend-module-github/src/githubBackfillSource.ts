import { stringifyEntityRef } from '@backstage/catalog-model';
import type {
  IngestionSource,
  IngestionSourceContext,
} from '@greenlight/backstage-plugin-greenlight-node';
import { backfillEntity, BackfillCursor, stateKeys } from './backfill';
import { GithubApi } from './GithubApi';
import { repositoryAllowed, type GithubBackfillConfig } from './config';

/** The catalog annotation that names an entity's repository. */
export const PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';
/**
 * Changing this annotation's value asks for the entity's history to be read again: the
 * catalog's own review of `catalog-info.yaml` decides who may ask.
 */
export const BACKFILL_REQUEST_ANNOTATION = 'greenlight.dev/github-backfill';

const DAY_MS = 86_400_000;

export type GithubBackfillSourceOptions = {
  config: GithubBackfillConfig;
  /** Authorization headers for a repository, from the integration's credentials. */
  headers: (fullName: string) => Promise<Record<string, string>>;
  now?: () => number;
};

/**
 * The `github` ingestion source: a scheduled pull that backfills every entity with a
 * `github.com/project-slug` whose history it has not read yet, or whose backfill request
 * annotation changed since. It shares its id with the built-in GitHub webhook, so what
 * both deliver is written once.
 */
export function githubBackfillSource(
  options: GithubBackfillSourceOptions,
): IngestionSource {
  const { config } = options;
  const now = () => options.now?.() ?? Date.now();
  return {
    id: 'github',
    annotations: [PROJECT_SLUG_ANNOTATION],
    pull: {
      schedule: config.schedule,
      async run(context) {
        const entities = await context.findEntities(PROJECT_SLUG_ANNOTATION);
        for (const entity of entities) {
          if (context.signal.aborted) return;
          const entityRef =
            stringifyEntityRef(entity).toLocaleLowerCase('en-US');
          const annotations = entity.metadata.annotations ?? {};
          const fullName = annotations[PROJECT_SLUG_ANNOTATION]?.trim();
          if (!fullName || !/^[\w.-]+\/[\w.-]+$/.test(fullName)) {
            context.logger.warn(
              `${entityRef}: ${PROJECT_SLUG_ANNOTATION} must be <owner>/<repo>; not backfilled`,
            );
            continue;
          }
          if (!repositoryAllowed(config, fullName)) {
            // The annotation is the entity's own to write: without this list any entity could
            // have a repository read with the platform's credentials and its history shown.
            context.logger.warn(
              `${entityRef}: ${fullName} is not in greenlight.sources.github.repositories; not backfilled`,
            );
            continue;
          }
          const request = annotations[BACKFILL_REQUEST_ANNOTATION];
          const next = await nextCursor(context, entityRef, fullName, request);
          if (!next) continue;
          try {
            await backfillOne(context, entityRef, fullName, next);
          } catch (e) {
            if (context.signal.aborted) throw e;
            // One repository GitHub refuses must not hold back the others; the cursor
            // keeps what was done, and the next run tries again.
            context.logger.warn(
              `Backfill of ${entityRef} stopped: ${(e as Error).message}`,
            );
          }
        }
      },
    },
  };

  /**
   * The cursor to continue with and the one stored (which the first save expects to find),
   * or undefined when the entity's backfill is done.
   */
  async function nextCursor(
    context: IngestionSourceContext,
    entityRef: string,
    fullName: string,
    request: string | undefined,
  ): Promise<{ cursor: BackfillCursor; stored?: BackfillCursor } | undefined> {
    const repository = `github.com/${fullName}`;
    const saved = await context.state.get<BackfillCursor>(
      stateKeys.cursor(entityRef),
    );
    const sameAsked =
      saved?.repository === repository && saved.request === request;
    if (saved && sameAsked) {
      return saved.phase === 'done'
        ? undefined
        : { cursor: saved, stored: saved };
    }
    if (saved) {
      // A new request or another repository starts over; what was written stays.
      await context.state.set(stateKeys.deployments(entityRef), []);
      await context.state.set(stateKeys.pulls(entityRef), []);
    }
    const cursor: BackfillCursor = {
      repository,
      request,
      since: new Date(now() - config.days * DAY_MS).toISOString(),
      startedAt: new Date(now()).toISOString(),
      phase: 'pulls',
      pages: 0,
      index: 0,
    };
    return { cursor, stored: saved };
  }

  async function backfillOne(
    context: IngestionSourceContext & { signal: AbortSignal },
    entityRef: string,
    fullName: string,
    { cursor, stored }: { cursor: BackfillCursor; stored?: BackfillCursor },
  ) {
    const api = new GithubApi({
      apiBaseUrl: config.apiBaseUrl,
      headers: () => options.headers(fullName),
      requestsPerHour: config.requestsPerHour,
      requestsPerMinute: config.requestsPerMinute,
      etags: context.state,
      signal: context.signal,
      now: options.now,
      onWait: (ms, reason) =>
        context.logger.info(
          `Backfill of ${entityRef} waits ${Math.ceil(ms / 1000)} s: ${reason}`,
        ),
    });
    context.logger.info(
      `Backfill of ${entityRef} from ${cursor.repository} ${
        cursor.phase === 'pulls' && cursor.pages === 0 ? 'starts' : 'resumes'
      } (${cursor.phase}, since ${cursor.since})`,
    );
    try {
      await backfillEntity({
        entityRef,
        fullName,
        cursor,
        stored,
        context,
        api,
        signal: context.signal,
      });
    } finally {
      context.logger.info(
        `Backfill of ${entityRef}: ${api.requests} requests (${api.notModified} not modified, ${api.rateLimited} rate limited) in this run`,
      );
    }
  }
}
