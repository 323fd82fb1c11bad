import { AuthService, DiscoveryService, LoggerService } from '@backstage/backend-plugin-api';
import { CompoundEntityRef, makeValidator, parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

const examples = [
  {
    description: 'Register a new service with its promotion path, SLO gates and expected provenance',
    example: yaml.stringify({
      steps: [
        {
          id: 'greenlight',
          action: 'greenlight:service:register',
          name: 'Register with Greenlight',
          input: {
            entityRef: 'component:default/payments',
            owner: 'group:default/team-payments',
            environments: [
              { name: 'dev', tier: 'development' },
              { name: 'staging', tier: 'staging' },
              { name: 'production', tier: 'production' },
            ],
            sloFile: './slo.yaml',
            gateSettings: '${{ steps.slo.output.settings }}',
            expectedSource: 'github.com/acme/payments',
            allowedBuilders: ['https://github.com/actions/runner/github-hosted'],
            rollout: { strategy: 'canary', canarySteps: [10, 50] },
          },
        },
      ],
    }),
  },
];

/**
 * What `createServiceRegisterAction` needs.
 *
 * @public
 */
export type ServiceRegisterActionOptions = {
  discovery: DiscoveryService;
  auth: AuthService;
  /** First pause between tries; doubles after each. */
  retryDelayMs?: number;
};

const ATTEMPTS = 3;
const validators = makeValidator();

function entityRefOf(text: string): CompoundEntityRef {
  let ref: CompoundEntityRef;
  try {
    ref = parseEntityRef(text, { defaultKind: 'component', defaultNamespace: 'default' });
  } catch (e) {
    throw new InputError(`entityRef: ${(e as Error).message}`);
  }
  if (
    !validators.isValidKind(ref.kind) ||
    !validators.isValidNamespace(ref.namespace) ||
    !validators.isValidEntityName(ref.name)
  ) {
    throw new InputError(`entityRef: "${text}" is not a valid entity reference such as component:default/payments`);
  }
  return ref;
}

function retryable(status: number) {
  return status >= 500 || status === 408 || status === 429;
}

async function describe(response: Response) {
  const text = await response.text();
  try {
    const body = JSON.parse(text);
    return body?.error?.message ?? text;
  } catch {
    return text;
  }
}

/**
 * A PUT is safe to repeat, so transient failures (network, 5xx, 408, 429) are retried;
 * anything else is the caller's to fix and fails at once.
 */
async function putWithRetry(
  url: string,
  body: unknown,
  token: string,
  options: { logger: LoggerService; signal?: AbortSignal; retryDelayMs: number },
): Promise<Response> {
  let lastProblem = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (attempt > 1) {
      await new Promise(resolve => setTimeout(resolve, options.retryDelayMs * 2 ** (attempt - 2)));
    }
    try {
      const response = await fetch(url, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
        signal: options.signal,
      });
      if (!retryable(response.status)) return response;
      lastProblem = `HTTP ${response.status}: ${await describe(response)}`;
    } catch (e) {
      if (options.signal?.aborted) throw e;
      lastProblem = (e as Error).message;
    }
    options.logger.warn(`Greenlight registration attempt ${attempt} of ${ATTEMPTS} failed: ${lastProblem}`);
  }
  throw new Error(`Greenlight did not accept the registration after ${ATTEMPTS} attempts: ${lastProblem}`);
}

/**
 * `greenlight:service:register`: records the new service's environments, SLO gates and
 * expected provenance with the Greenlight backend, as the user who runs the template.
 *
 * @public
 */
export function createServiceRegisterAction(options: ServiceRegisterActionOptions) {
  const { discovery, auth } = options;
  return createTemplateAction({
    id: 'greenlight:service:register',
    description:
      "Registers a service's environments, SLO gates and expected provenance with Greenlight (idempotent PUT, as the task's user)",
    examples,
    supportsDryRun: true,
    schema: {
      input: {
        entityRef: z => z.string().describe('Catalog entity of the service, e.g. component:default/payments'),
        owner: z => z.string().describe('Owning group or user, e.g. group:default/team-payments'),
        environments: z =>
          z
            .array(
              z.object({
                name: z.string(),
                tier: z.enum(['development', 'staging', 'production']),
                order: z.number().int().optional(),
              }),
            )
            .min(1)
            .describe('Promotion path; order defaults to the position in the list'),
        sloFile: z => z.string().optional().describe('OpenSLO file, relative to catalog-info.yaml'),
        gateSettings: z =>
          z
            .record(z.union([z.string(), z.number(), z.boolean()]))
            .optional()
            .describe('Gate settings by name (interval, evaluations, failureRule, …)'),
        expectedSource: z => z.string().describe('Repository artifacts must be built from, e.g. github.com/acme/payments'),
        allowedBuilders: z => z.array(z.string()).min(1).describe('Builder ids allowed to build the artifacts'),
        rollout: z =>
          z
            .object({
              strategy: z.enum(['canary', 'blue-green']),
              canarySteps: z.array(z.number().int()).optional(),
            })
            .optional()
            .describe('Progressive delivery strategy; canary steps are traffic percentages'),
      },
      output: {
        entityRef: z => z.string().describe('The entity the registration is for'),
        created: z => z.boolean().describe('True when this run created the registration'),
        changed: z => z.boolean().describe('False when Greenlight already had exactly this registration'),
      },
    },
    async handler(ctx) {
      const input = ctx.input;
      const ref = entityRefOf(input.entityRef);
      const rollout = input.rollout && {
        strategy: input.rollout.strategy,
        ...(input.rollout.strategy === 'canary' && input.rollout.canarySteps?.length
          ? { canarySteps: input.rollout.canarySteps }
          : {}),
      };
      const body = {
        environments: input.environments.map((env, index) => ({
          name: env.name,
          tier: env.tier,
          order: env.order ?? index,
        })),
        gates: {
          ...(input.sloFile ? { sloFile: input.sloFile } : {}),
          ...(input.gateSettings && Object.keys(input.gateSettings).length ? { settings: input.gateSettings } : {}),
        },
        provenance: { expectedSource: input.expectedSource, allowedBuilders: input.allowedBuilders },
        owner: input.owner,
        ...(rollout ? { rollout } : {}),
      };
      const path = [ref.namespace, ref.kind, ref.name].map(encodeURIComponent).join('/');
      const entityRef = `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase();

      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${entityRef} with Greenlight: ${JSON.stringify(body)}`);
        return;
      }

      // The user's own identity, forwarded: Greenlight checks what this user may see.
      const credentials = await ctx.getInitiatorCredentials();
      const { token } = await auth.getPluginRequestToken({
        onBehalfOf: credentials,
        targetPluginId: 'greenlight',
      });
      const url = `${await discovery.getBaseUrl('greenlight')}/v1/services/${path}`;
      const response = await putWithRetry(url, body, token, {
        logger: ctx.logger,
        signal: ctx.signal,
        retryDelayMs: options.retryDelayMs ?? 500,
      });
      if (!response.ok) {
        throw new Error(`Greenlight rejected the registration of ${entityRef}: HTTP ${response.status}: ${await describe(response)}`);
      }
      const result = (await response.json()) as { created?: boolean; changed?: boolean };
      ctx.logger.info(
        result.created
          ? `Registered ${entityRef} with Greenlight`
          : `Greenlight ${result.changed ? 'updated' : 'already had'} the registration of ${entityRef}`,
      );
      ctx.output('entityRef', entityRef);
      ctx.output('created', Boolean(result.created));
      ctx.output('changed', Boolean(result.changed));
    },
  });
}
