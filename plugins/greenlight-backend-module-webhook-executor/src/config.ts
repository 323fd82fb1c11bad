import type { Config } from '@backstage/config';

/** @public */
export interface WebhookExecutorConfig {
  /** Where the signed POST goes, an http(s) URL. */
  url: string;
  /** HMAC-SHA256 key of the `X-Greenlight-Signature-256` header. */
  secret: string;
  /** Timeout of one call in milliseconds. */
  timeoutMs: number;
}

const section = 'greenlight.rollouts.webhook';

/**
 * Reads `greenlight.rollouts.webhook`, or returns undefined when it is absent; throws on
 * invalid values so that a broken setup fails at startup rather than at the first rollback.
 */
export function readWebhookExecutorConfig(
  root: Config,
): WebhookExecutorConfig | undefined {
  const c = root.getOptionalConfig(section);
  if (!c) return undefined;
  const url = c.getString('url');
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new Error(`${section}.url is not a URL`);
  }
  if (protocol !== 'http:' && protocol !== 'https:')
    throw new Error(`${section}.url must be an http(s) URL`);
  const timeoutMs = c.getOptionalNumber('timeoutMs') ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new Error(`${section}.timeoutMs must be a positive integer`);
  return { url, secret: c.getString('secret'), timeoutMs };
}
