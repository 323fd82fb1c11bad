import type { Config } from '@backstage/config';
import {
  gateSettingsSchema,
  policyOverrides,
  type GatePolicy,
} from '@greenlight/backstage-plugin-greenlight-common';

const settingKeys = [
  'interval',
  'evaluations',
  'failureRule',
  'minTraffic',
  'noData',
  'maxInconclusive',
  'shadow',
] as const;

function readLayer(config: Config, key: string): Partial<GatePolicy> {
  const section = config.getOptionalConfig(key);
  if (!section) return {};
  const raw = Object.fromEntries(
    settingKeys
      .filter(name => section.has(name))
      .map(name => [name, section.get(name)]),
  );
  const parsed = gateSettingsSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${key}.${issue.path.join('.')}: ${issue.message}`);
  }
  return Object.fromEntries(
    Object.entries(policyOverrides(parsed.data)).filter(
      ([, value]) => value !== undefined,
    ),
  );
}

/**
 * Gate policy defaults of this installation for one environment tier, from
 * `greenlight.gates.defaults` and, for production, `greenlight.gates.production` on top.
 * Pass the result as `defaults` to `parseOpenSloDocuments`.
 */
export function readGatePolicyDefaults(
  config: Config,
  tier: 'development' | 'staging' | 'production',
): Partial<GatePolicy> {
  return {
    ...readLayer(config, 'greenlight.gates.defaults'),
    ...(tier === 'production'
      ? readLayer(config, 'greenlight.gates.production')
      : {}),
  };
}
