import { makeValidator, parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { gateSettingsSchema } from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';

const validators = makeValidator();

const environmentSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z0-9]([a-z0-9-]{0,98}[a-z0-9])?$/, 'must be lowercase letters, digits and dashes'),
  tier: z.enum(['development', 'staging', 'production']),
  order: z.number().int().min(0).max(1000),
});

const environmentsSchema = z
  .array(environmentSchema)
  .min(1)
  .max(20)
  .superRefine((environments, ctx) => {
    const names = new Set<string>();
    const orders = new Set<number>();
    environments.forEach((env, i) => {
      if (names.has(env.name)) {
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `"${env.name}" is listed twice` });
      }
      // Promotion follows order, so two environments at one position would make it ambiguous.
      if (orders.has(env.order)) {
        ctx.addIssue({ code: 'custom', path: [i, 'order'], message: `${env.order} is used twice` });
      }
      names.add(env.name);
      orders.add(env.order);
    });
  });

/**
 * Gate settings as an SLO's `greenlight.dev/*` annotations would give them (docs/gates.md,
 * "Settings"). They are checked with the parser's own schema but stored as sent, so that a
 * GET returns what the caller wrote.
 */
const gateSettingsInput = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .superRefine((settings, ctx) => {
    const result = z.strictObject(gateSettingsSchema.shape).safeParse(settings);
    if (result.success) return;
    for (const issue of result.error.issues) {
      ctx.addIssue({ code: 'custom', path: issue.path as PropertyKey[], message: issue.message });
    }
  });

const noSpacesOrCommas = /^[^\s,]+$/;

export const registrationBodySchema = z.strictObject({
  environments: environmentsSchema,
  gates: z.strictObject({
    sloFile: z.string().min(1).max(1000).optional(),
    settings: gateSettingsInput.optional(),
  }),
  provenance: z.strictObject({
    expectedSource: z
      .string()
      .max(500)
      .regex(
        /^(https?:\/\/)?[A-Za-z0-9.-]+(:\d+)?\/[^\s]+$/,
        'must be a repository such as github.com/acme/payments or https://github.com/acme/payments',
      ),
    allowedBuilders: z
      .array(
        z.string().min(1).max(500).regex(noSpacesOrCommas, 'must not contain spaces or commas'),
      )
      .min(1)
      .max(20),
  }),
  owner: z.string().min(1).max(255),
  rollout: z
    .strictObject({
      strategy: z.enum(['canary', 'blue-green']),
      canarySteps: z.array(z.number().int().min(1).max(100)).min(1).max(20).optional(),
    })
    .superRefine((rollout, ctx) => {
      const steps = rollout.canarySteps ?? [];
      steps.forEach((step, i) => {
        if (i > 0 && step <= steps[i - 1]) {
          ctx.addIssue({
            code: 'custom',
            path: ['canarySteps', i],
            message: 'traffic percentages must increase',
          });
        }
      });
    })
    .optional(),
});

export type RegistrationBody = z.infer<typeof registrationBodySchema>;

/** The entity a registration is for, from the path; lower-cased like the catalog compares. */
export function entityRefFromPath(params: { namespace?: string; kind?: string; name?: string }) {
  const { namespace, kind, name } = params;
  const problems = [
    validators.isValidNamespace(namespace) ? undefined : 'namespace: not a valid entity namespace',
    validators.isValidKind(kind) ? undefined : 'kind: not a valid entity kind',
    validators.isValidEntityName(name) ? undefined : 'name: not a valid entity name',
  ].filter(Boolean);
  if (problems.length) throw new InputError(`Invalid path: ${problems.join('; ')}`);
  return stringifyEntityRef({ kind: kind!, namespace: namespace!, name: name! });
}

/** `team-a`, `group:team-a` or `group:default/team-a`, as the owner picker returns it. */
export function normaliseOwner(owner: string): string {
  let ref;
  try {
    ref = parseEntityRef(owner, { defaultKind: 'group', defaultNamespace: 'default' });
  } catch (e) {
    throw new InputError(`Invalid body: owner: ${(e as Error).message}`);
  }
  const kind = ref.kind.toLowerCase();
  if (
    (kind !== 'group' && kind !== 'user') ||
    !validators.isValidNamespace(ref.namespace) ||
    !validators.isValidEntityName(ref.name)
  ) {
    throw new InputError(
      `Invalid body: owner: "${owner}" is not a group or user reference such as group:default/team-a`,
    );
  }
  return stringifyEntityRef(ref);
}
