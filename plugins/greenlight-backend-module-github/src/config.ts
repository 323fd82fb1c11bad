import type { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import type { Config } from '@backstage/config';
import { readSchedulerServiceTaskScheduleDefinitionFromConfig } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { ScmIntegrations } from '@backstage/integration';
import { z } from 'zod';

const CONFIG_KEY = 'greenlight.sources.github';

const schema = z.object({
  host: z.string().min(1).default('github.com'),
  days: z.number().int().min(1).max(3650).default(90),
  requestsPerHour: z.number().int().min(1).max(15_000).default(4000),
  // GitHub's secondary limit is 900 points per minute for REST; a GET is one point.
  requestsPerMinute: z.number().int().min(1).max(900).default(800),
  // `owner/*` or `owner/name`: the repositories any entity may have read for it.
  repositories: z
    .array(
      z
        .string()
        .regex(/^[\w.-]+\/(\*|[\w.-]+)$/, 'must be owner/* or owner/name'),
    )
    .optional(),
});

export type GithubBackfillConfig = z.infer<typeof schema> & {
  apiBaseUrl: string;
  schedule: SchedulerServiceTaskScheduleDefinition;
};

/**
 * The backfill's settings, or the reason it is off: it runs only when
 * `greenlight.sources.github` is configured and `integrations.github` has the host.
 */
export function readGithubBackfillConfig(
  config: Config,
): { config: GithubBackfillConfig } | { disabled: string } {
  const own = config.getOptionalConfig(CONFIG_KEY);
  if (!own) return { disabled: `${CONFIG_KEY} is not configured` };
  const parsed = schema.safeParse({
    host: own.getOptionalString('host'),
    days: own.getOptionalNumber('days'),
    requestsPerHour: own.getOptionalNumber('requestsPerHour'),
    requestsPerMinute: own.getOptionalNumber('requestsPerMinute'),
    repositories: own.getOptionalStringArray('repositories'),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InputError(
      `${CONFIG_KEY}.${issue.path.map(String).join('.')}: ${issue.message}`,
    );
  }
  const integration = ScmIntegrations.fromConfig(config).github.byHost(
    parsed.data.host,
  );
  const hasCredentials =
    integration &&
    (integration.config.token || (integration.config.apps?.length ?? 0) > 0);
  if (!integration?.config.apiBaseUrl || !hasCredentials) {
    return {
      disabled: `integrations.github has no token or app for ${parsed.data.host}`,
    };
  }
  const schedule = own.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        own.getConfig('schedule'),
      )
    : {
        // Often enough to notice new entities and requests soon; a run that is still
        // going delays the next one.
        frequency: { minutes: 5 },
        timeout: { hours: 2 },
        initialDelay: { seconds: 30 },
      };
  return {
    config: {
      ...parsed.data,
      apiBaseUrl: integration.config.apiBaseUrl,
      schedule,
    },
  };
}

/**
 * Whether `repositories` lets the backfill read `fullName` (`owner/name`); every repository
 * when it is not set. Compared without regard to case, as GitHub names them.
 */
export function repositoryAllowed(
  config: Pick<GithubBackfillConfig, 'repositories'>,
  fullName: string,
): boolean {
  if (!config.repositories) return true;
  const [owner, name] = fullName.toLocaleLowerCase('en-US').split('/');
  return config.repositories.some(pattern => {
    const [o, n] = pattern.toLocaleLowerCase('en-US').split('/');
    return o === owner && (n === '*' || n === name);
  });
}
