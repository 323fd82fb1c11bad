import { stringifyEntityRef } from '@backstage/catalog-model';
import { IngestionSourceContext } from '@greenlight/backstage-plugin-greenlight-node';
import { ARGOCD_ANNOTATIONS } from './annotations';
import { Application } from './application';
import { AppMemory, emptyMemory, memoryKey } from './appMemory';
import { ArgocdClient } from './argocdClient';
import { ArgocdInstance, ArgocdSourceConfig, projectAllowed } from './config';
import { mapApplication } from './mapApplication';

/**
 * The environment an application deploys to: its label, else its instance's. The label is
 * written by whoever may edit the application, so an instance that lists its `environments`
 * records no other: `{ refused }` names why.
 */
export function environmentOf(
  config: ArgocdSourceConfig,
  instance: ArgocdInstance,
  app: Application,
): { environment: string } | { refused: string } {
  const environment =
    app.metadata.labels?.[config.environmentLabel] || instance.environment;
  if (instance.environments && !instance.environments.includes(environment)) {
    return {
      refused: `Argo CD application ${
        app.metadata.name
      } names environment ${environment}, which instance ${
        instance.name
      } may not deploy to (its environments: ${instance.environments.join(
        ', ',
      )})`,
    };
  }
  return { environment };
}

/**
 * Reads every annotated entity's applications from every instance and writes the history
 * entries after each application's cursor, for applications of the instance's `projects`
 * only. One application's failure is logged and the others are still pulled; the cursor only
 * moves after a successful write.
 */
export async function pullArgocd(
  config: ArgocdSourceConfig,
  ctx: IngestionSourceContext & { signal: AbortSignal },
) {
  const entities = [
    ...(await ctx.findEntities(ARGOCD_ANNOTATIONS.appName)),
    ...(await ctx.findEntities(ARGOCD_ANNOTATIONS.appSelector)),
  ];
  for (const instance of config.instances) {
    const client = new ArgocdClient(instance);
    let applications = 0;
    let written = 0;
    for (const entity of entities) {
      const annotations = entity.metadata.annotations ?? {};
      const onlyOn = annotations[ARGOCD_ANNOTATIONS.instanceName];
      if (onlyOn && onlyOn !== instance.name) continue;
      const entityRef = stringifyEntityRef(entity);
      try {
        const name = annotations[ARGOCD_ANNOTATIONS.appName];
        const apps = name
          ? [await client.getApplication(name, ctx.signal)]
          : await client.listApplications(
              annotations[ARGOCD_ANNOTATIONS.appSelector],
              ctx.signal,
            );
        for (const app of apps) {
          // Read to learn its project; of one outside the instance's `projects` nothing is
          // remembered, counted, written or logged beyond its name.
          if (!projectAllowed(instance, app)) {
            ctx.logger.warn(
              `Argo CD ${instance.name}: application ${app.metadata.name}, named by ${entityRef}, is not in a project listed in greenlight.sources.argocd.instances[].projects; skipped`,
            );
            continue;
          }
          applications++;
          const key = memoryKey(instance.name, app.metadata.name);
          const stored = await ctx.state.get<AppMemory>(key);
          const memory = stored ?? emptyMemory();
          const place = environmentOf(config, instance, app);
          if ('refused' in place) {
            ctx.logger.warn(place.refused);
            continue;
          }
          const mapped = mapApplication({
            instance: instance.name,
            environment: place.environment,
            app,
            memory,
            url: client.applicationUrl(app.metadata.name),
          });
          if (mapped.events.length > 0) {
            const outcome = await ctx.ingest({
              entityRef,
              events: mapped.events,
            });
            written += outcome.accepted;
          }
          // Another replica's pull may have read the same memory and moved it on; its
          // events are the same (ids are idempotent), so its memory stays and ours is dropped.
          if (!(await ctx.state.compareAndSet(key, stored, mapped.memory))) {
            ctx.logger.info(
              `Argo CD ${instance.name}: ${app.metadata.name} was pulled by another run meanwhile`,
            );
          }
        }
      } catch (e) {
        ctx.logger.warn(
          `Argo CD ${
            instance.name
          }: could not pull the applications of ${entityRef}: ${
            (e as Error).message
          }`,
        );
      }
    }
    await ctx.state.set(`progress:${instance.name}`, {
      applications,
      eventsWritten: written,
      pulledAt: new Date().toISOString(),
    });
  }
}
