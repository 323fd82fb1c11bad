import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  IngestionSourceBatch,
  IngestionSourceContext,
  IngestionSourceWebhook,
} from '@greenlight/backstage-plugin-greenlight-node';
import { z } from 'zod';
import { ARGOCD_ANNOTATIONS } from './annotations';
import { applicationSchema } from './application';
import { AppMemory, emptyMemory, memoryKey } from './appMemory';
import { ArgocdClient } from './argocdClient';
import {
  ArgocdSourceConfig,
  notificationSecretFor,
  projectAllowed,
} from './config';
import { matchesSelector } from './labelSelector';
import { mapApplication } from './mapApplication';
import { environmentOf } from './pull';
import { headerMatchesSecret } from './secretHeader';

/** The header the notifications template sends the shared secret in. */
export const ARGOCD_TOKEN_HEADER = 'x-greenlight-token';

/** The body the documented notifications template posts: the instance and the application's status. */
const notificationSchema = z.object({
  instance: z.string().min(1),
  app: applicationSchema,
});

/**
 * Argo CD notifications posting an application after a sync. The whole visible history is
 * mapped (ids make it idempotent), so a delivery missed or retried changes nothing; the
 * pull's cursor stays the pull's.
 */
export function argocdWebhook(
  config: ArgocdSourceConfig,
): IngestionSourceWebhook {
  return {
    authenticate: ({ headers, rawBody }) =>
      headerMatchesSecret(
        headers[ARGOCD_TOKEN_HEADER],
        notificationSecretFor(config, instanceOf(rawBody)),
      ),
    async handle({ body }, ctx) {
      const parsed = notificationSchema.safeParse(body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return {
          batches: [],
          ignoredReason: `not an Argo CD notification of the documented template (${issue.path.join(
            '.',
          )}: ${issue.message})`,
        };
      }
      const { app } = parsed.data;
      const instance = config.instances.find(
        i => i.name === parsed.data.instance,
      );
      if (!instance) {
        return {
          batches: [],
          ignoredReason: `Argo CD instance ${parsed.data.instance} is not configured`,
        };
      }
      // Before the entities are looked up: of an application outside the instance's
      // `projects` nothing is written, and the answer names only the application.
      if (!projectAllowed(instance, app)) {
        return {
          batches: [],
          ignoredReason: `Argo CD application ${app.metadata.name} is not in a project that instance ${instance.name} lists, or the notification carries no spec.project`,
        };
      }
      const entityRefs = await entitiesOf(ctx, instance.name, app);
      if (entityRefs.length === 0) {
        return {
          batches: [],
          ignoredReason: `no entity names Argo CD application ${app.metadata.name}`,
        };
      }
      const place = environmentOf(config, instance, app);
      if ('refused' in place)
        return { batches: [], ignoredReason: place.refused };
      const memory =
        (await ctx.state.get<AppMemory>(
          memoryKey(instance.name, app.metadata.name),
        )) ?? emptyMemory();
      const { events } = mapApplication({
        instance: instance.name,
        environment: place.environment,
        app,
        // Remembered revisions still tell rollbacks; the cursor is ignored.
        memory: { ...memory, lastId: -1 },
        url: new ArgocdClient(instance).applicationUrl(app.metadata.name),
      });
      if (events.length === 0) {
        return { batches: [], ignoredReason: 'no sync in the history yet' };
      }
      return {
        batches: entityRefs.map(
          (entityRef): IngestionSourceBatch => ({ entityRef, events }),
        ),
      };
    },
  };
}

/**
 * The instance a notification names, read from the exact bytes posted the way the route then
 * parses them, so the instance whose secret is checked is the instance whose syncs are mapped.
 */
function instanceOf(rawBody: Buffer): string | undefined {
  try {
    const body = JSON.parse(rawBody.toString('utf8')) as {
      instance?: unknown;
    } | null;
    return typeof body?.instance === 'string' ? body.instance : undefined;
  } catch {
    return undefined;
  }
}

/** Entities that name the application, or whose selector picks its labels, on this instance. */
async function entitiesOf(
  ctx: IngestionSourceContext,
  instanceName: string,
  app: z.infer<typeof applicationSchema>,
): Promise<string[]> {
  const labels = app.metadata.labels ?? {};
  const named = await ctx.findEntities(
    ARGOCD_ANNOTATIONS.appName,
    app.metadata.name,
  );
  const selecting = (
    await ctx.findEntities(ARGOCD_ANNOTATIONS.appSelector)
  ).filter(e =>
    matchesSelector(
      e.metadata.annotations?.[ARGOCD_ANNOTATIONS.appSelector] ?? '',
      labels,
    ),
  );
  const refs = new Set<string>();
  for (const entity of [...named, ...selecting]) {
    const onlyOn =
      entity.metadata.annotations?.[ARGOCD_ANNOTATIONS.instanceName];
    if (!onlyOn || onlyOn === instanceName)
      refs.add(stringifyEntityRef(entity));
  }
  return [...refs];
}
