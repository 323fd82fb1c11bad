import { CompoundEntityRef, makeValidator, parseEntityRef } from '@backstage/catalog-model';
import { ForwardedError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import type { GreenlightService } from '@greenlight/backstage-plugin-greenlight-node';
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
  /** The Greenlight API, usually from `greenlightServiceRef`. */
  greenlight: GreenlightService;
};

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

/**
 * `greenlight:service:register`: records the new service's environments, SLO gates and
 * expected provenance with the Greenlight backend, as the user who runs the template.
 *
 * @public
 */
export function createServiceRegisterAction(options: ServiceRegisterActionOptions) {
  const { greenlight } = options;
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
      const entityRef = `${ref.kind}:${ref.namespace}/${ref.name}`.toLowerCase();

      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would register ${entityRef} with Greenlight: ${JSON.stringify(body)}`);
        return;
      }

      // The user's own identity, forwarded: Greenlight checks what this user may see.
      const credentials = await ctx.getInitiatorCredentials();
      let result;
      try {
        result = await greenlight.registerService(ref, body, {
          credentials,
          signal: ctx.signal,
        });
      } catch (error) {
        throw new ForwardedError(`Greenlight did not register ${entityRef}`, error);
      }
      ctx.logger.info(
        result.created
          ? `Registered ${entityRef} with Greenlight`
          : `Greenlight ${result.changed ? 'updated' : 'already had'} the registration of ${entityRef}`,
      );
      ctx.output('entityRef', entityRef);
      ctx.output('created', result.created);
      ctx.output('changed', result.changed);
    },
  });
}
