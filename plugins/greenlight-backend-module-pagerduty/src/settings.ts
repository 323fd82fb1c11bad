import { Config } from '@backstage/config';

export type PagerDutySettings = {
  secrets: string[];
  environment: string;
  serviceEnvironments: Record<string, string>;
};

/** As Opsgenie's `headerValue`; PagerDuty's own signing secrets are far longer. */
const MIN_SECRET_LENGTH = 16;

/** The source's settings, or undefined when `greenlight.sources.pagerduty` is not configured. */
export function readPagerDutySettings(
  config: Config,
): PagerDutySettings | undefined {
  const block = config.getOptionalConfig('greenlight.sources.pagerduty');
  if (!block) return undefined;
  const secretKey = 'greenlight.sources.pagerduty.webhookSecret';
  const secret = block.get('webhookSecret');
  const given: unknown[] = Array.isArray(secret) ? secret : [secret];
  if (given.length === 0) {
    throw new Error(`${secretKey} must not be an empty list`);
  }
  // Anything but a string would become a secret everyone knows (`String({})` is
  // "[object Object]"), and a short one is guessed: both stop the backend at startup.
  const bad = given.findIndex(
    s => typeof s !== 'string' || s.length < MIN_SECRET_LENGTH,
  );
  if (bad >= 0) {
    throw new Error(
      `${secretKey}${
        Array.isArray(secret) ? `[${bad}]` : ''
      } must be a string of at least ${MIN_SECRET_LENGTH} characters`,
    );
  }
  const secrets = given as string[];
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
