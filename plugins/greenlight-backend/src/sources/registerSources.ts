import { SchedulerService } from '@backstage/backend-plugin-api';
import { IngestionSource } from '@greenlight/backstage-plugin-greenlight-node';
import { ingestDelivery } from './ingestDelivery';
import { createSourceContext, SourceContextDeps } from './sourceContext';
import { RegisteredSource } from './sourceRoutes';
import { SourceStateStore } from './SourceStateStore';

const SOURCE_ID = /^[a-z][a-z0-9-]{1,31}$/;
const RESERVED = new Set(['native', 'cdevents']);

/** Checks an ingestion source's id when a module adds it, so a bad one fails at startup. */
export function assertSourceId(id: string) {
  if (!SOURCE_ID.test(id)) {
    throw new Error(
      `Ingestion source id '${id}' must be 2 to 32 lowercase letters, digits or dashes, starting with a letter`,
    );
  }
  if (RESERVED.has(id))
    throw new Error(`Ingestion source id '${id}' is reserved`);
}

/** Gives each source its context and schedules its pull on every replica's shared scheduler. */
export async function registerSources(
  sources: IngestionSource[],
  deps: Omit<SourceContextDeps, 'state'> & {
    scheduler: SchedulerService;
    state: SourceStateStore;
  },
): Promise<Map<string, RegisteredSource>> {
  const registered = new Map<string, RegisteredSource>();
  for (const source of sources) {
    const context = createSourceContext(source, deps);
    registered.set(source.id, {
      source,
      context,
      ingestDelivery: batches => ingestDelivery(source, deps, batches),
    });
    if (source.pull) {
      const pull = source.pull;
      await deps.scheduler.scheduleTask({
        id: `greenlight-source-${source.id}`,
        ...pull.schedule,
        // One replica pulls at a time; the cursor in the database makes the next one resume.
        scope: 'global',
        fn: async signal => {
          try {
            await pull.run({ ...context, signal: signal as AbortSignal });
          } catch (e) {
            context.logger.error(
              `Pull of ${source.id} failed: ${(e as Error).message}`,
            );
            throw e;
          }
        },
      });
    }
  }
  return registered;
}
