import { Config } from '@backstage/config';
import { z } from 'zod';
import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';

export const DEFAULT_ENVIRONMENT_LABEL = 'greenlight.dev/environment';

export type ArgocdInstance = {
  name: string;
  baseUrl: string;
  token: string;
  environment: string;
  /** The environments it may record deployments to; undefined for any (`environmentOf`). */
  environments?: string[];
  /** The secret this instance's notifications carry; see `notificationSecretFor`. */
  webhookSecret?: string;
  /** The Argo CD projects whose applications it may record; undefined for any (`projectAllowed`). */
  projects?: string[];
};

export type ArgocdSourceConfig = {
  instances: ArgocdInstance[];
  environmentLabel: string;
  webhookSecret?: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
};

const INSTANCE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/**
 * An Argo CD project is a Kubernetes resource (`AppProject`): its name is a DNS subdomain.
 * At least one, else every application would be refused; leave the list out for any project.
 */
const projectsSchema = z
  .array(
    z
      .string()
      .max(253)
      .regex(
        /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/,
        'must be an Argo CD project name (lowercase letters, digits, dots and dashes)',
      ),
  )
  .min(1, 'must list at least one project (leave it out to allow any)')
  .optional();

/** Reads `greenlight.sources.argocd`; undefined when it is absent. */
export function readArgocdConfig(root: Config): ArgocdSourceConfig | undefined {
  const config = root.getOptionalConfig('greenlight.sources.argocd');
  if (!config) return undefined;
  const instanceConfigs = config.getConfigArray('instances');
  const instances = instanceConfigs.map((c, i) => {
    const name = c.getString('name');
    if (!INSTANCE_NAME.test(name)) {
      throw new Error(
        `greenlight.sources.argocd.instances[${i}].name must be lowercase letters, digits and dashes`,
      );
    }
    const environment = c.getString('environment');
    const environments = c.getOptionalStringArray('environments');
    if (environments && !environments.includes(environment)) {
      throw new Error(
        `greenlight.sources.argocd.instances[${i}].environments must include its environment ${environment}`,
      );
    }
    const projects = projectsSchema.safeParse(
      c.getOptionalStringArray('projects'),
    );
    if (!projects.success) {
      const issue = projects.error.issues[0];
      throw new Error(
        `greenlight.sources.argocd.instances[${i}].projects${issue.path
          .map(p => `[${String(p)}]`)
          .join('')} ${issue.message}`,
      );
    }
    return {
      name,
      baseUrl: c.getString('baseUrl').replace(/\/+$/, ''),
      token: c.getString('token'),
      environment,
      environments,
      webhookSecret: c.getOptionalString('webhookSecret') || undefined,
      projects: projects.data,
    };
  });
  // One task pulls every instance, so the source has one schedule.
  const schedule = config.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('schedule'),
      )
    : { frequency: { minutes: 10 }, timeout: { minutes: 5 } };
  return {
    instances,
    environmentLabel:
      config.getOptionalString('environmentLabel') ?? DEFAULT_ENVIRONMENT_LABEL,
    webhookSecret: config.getOptionalString('webhookSecret') || undefined,
    schedule,
  };
}

/**
 * The secret a notification that names `instance` must carry: the instance's own when it has
 * one, so that whoever holds another instance's secret (or the source-wide one) cannot post
 * syncs in its name; else the source-wide `webhookSecret`. `undefined` refuses.
 */
export function notificationSecretFor(
  config: Pick<ArgocdSourceConfig, 'instances' | 'webhookSecret'>,
  instance: string | undefined,
): string | undefined {
  const own = config.instances.find(i => i.name === instance)?.webhookSecret;
  return own ?? config.webhookSecret;
}

/**
 * Whether `instance` may record `app`: its `spec.project` is one the instance lists, compared
 * exactly as Argo CD names projects; any application when the instance lists none. The
 * entity's own annotations name the application, so without the list any entity could have
 * any application the token reads recorded for it. An application without a project (a
 * notification whose template does not send `spec.project`) is refused when there is a list.
 */
export function projectAllowed(
  instance: Pick<ArgocdInstance, 'projects'>,
  app: { spec?: { project?: string } | null },
): boolean {
  if (!instance.projects) return true;
  const project = app.spec?.project;
  return project !== undefined && instance.projects.includes(project);
}
