import { Config } from '@backstage/config';
import {
  policyGateId,
  type PolicyGate,
  type PolicyGateKind,
} from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';
import { EnvironmentConfig } from '../../config';

const KEY = 'greenlight.rollouts.policyGates';

const gateOptions = z
  .object({
    /** Evaluated and recorded, never holding a promotion. */
    shadow: z.boolean().default(false),
  })
  .strict();

const environmentGates = z
  .object({
    provenance: gateOptions
      .extend({ minSlsaLevel: z.number().int().min(0).max(4).default(0) })
      .strict()
      .optional(),
    promotion: gateOptions.optional(),
    readiness: gateOptions.optional(),
  })
  .strict();

const policyGatesSchema = z.record(z.string().min(1), environmentGates);

/** Policy gates per environment, as configured. */
export type PolicyGatesConfig = Map<string, PolicyGate[]>;

/**
 * Reads `greenlight.rollouts.policyGates`: per environment, which policy gates every rollout to
 * it gets. Anything invalid, or an environment that is not in `greenlight.environments`, stops
 * the backend naming the field.
 */
export function readPolicyGatesConfig(
  config: Config,
  environments: EnvironmentConfig[],
): PolicyGatesConfig {
  const raw = config.getOptional(KEY);
  const result = policyGatesSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new Error(
      `Invalid ${KEY}: ${result.error.issues
        .map(i => `${[KEY, ...i.path.map(String)].join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  }
  const known = environments.map(e => e.name);
  const gates: PolicyGatesConfig = new Map();
  for (const [environment, kinds] of Object.entries(result.data)) {
    if (!known.includes(environment)) {
      throw new Error(
        `Invalid ${KEY}.${environment}: not an environment of greenlight.environments (${known.join(
          ', ',
        )})`,
      );
    }
    const list: PolicyGate[] = [];
    for (const kind of ['provenance', 'promotion', 'readiness'] as const) {
      const options = kinds[kind];
      if (!options) continue;
      list.push({
        id: policyGateId(kind as PolicyGateKind),
        kind,
        shadow: options.shadow,
        ...(kind === 'provenance'
          ? { minSlsaLevel: (options as { minSlsaLevel: number }).minSlsaLevel }
          : {}),
      });
    }
    gates.set(environment, list);
  }
  return gates;
}
