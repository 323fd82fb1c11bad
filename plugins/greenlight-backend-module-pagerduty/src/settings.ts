import { Config } from '@backstage/config';

export type PagerDutySettings = {
  secrets: string[];
  environment: string;
  serviceEnvironments: Record<string, string>;
};

/** The source's settings, or undefined when `greenlight.sources.pagerduty` is not configured. */
export function readPagerDutySettings(
  config: Config,
): PagerDutySettings | undefined {
  const block = config.getOptionalConfig('greenlight.sources.pagerduty');
  if (!block) return undefined;
  const secret = block.get('webhookSecret');
  const secrets = (Array.isArray(secret) ? secret : [secret]).map(String);
  if (secrets.length === 0 || secrets.some(s => s.length === 0)) {
    throw new Error(
      'greenlight.sources.pagerduty.webhookSecret must be a non-empty string or list of strings',
    );
  }
  const overrides = block.getOptionalConfig('serviceEnvironments');
  const serviceEnvironments: Record<string, string> = {};
  for (const key of overrides?.keys() ?? []) {
    serviceEnvironments[key] = overrides!.getString(key);
  }
  return {
    secrets,
    environment: block.getOptionalString('environment') ?? 'production',
    serviceEnvironments,
  };
}
