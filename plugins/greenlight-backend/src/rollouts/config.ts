import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

export type WebhookExecutorConfig = {
  url: string;
  secret: string;
  timeoutMs: number;
};

export type ArgoExecutorConfig = {
  apiUrl: string;
  token: string;
  namespace: string;
  caCertFile?: string;
  /** Also restore the previous pod template after the abort. */
  undo: boolean;
  timeoutMs: number;
};

export type RolloutsConfig = {
  watchIntervalMs: number;
  concurrency: number;
  leaseMs: number;
  retry: {
    maxAttempts: number;
    initialBackoffMs: number;
    maxBackoffMs: number;
  };
  /** Id of the rollback executor to use; chosen from what is configured when unset. */
  executor?: string;
  webhook?: WebhookExecutorConfig;
  argo?: ArgoExecutorConfig;
};

const section = 'greenlight.rollouts';

function durationMs(
  config: Config | undefined,
  key: string,
  fallbackMs: number,
): number {
  if (!config?.has(key)) return fallbackMs;
  const ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  if (!(ms > 0))
    throw new Error(`${section}.${key} must be a positive duration`);
  return ms;
}

function positiveInt(
  config: Config | undefined,
  key: string,
  fallback: number,
): number {
  const value = config?.getOptionalNumber(key) ?? fallback;
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${section}.${key} must be a positive integer`);
  return value;
}

function httpUrl(value: string, key: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${section}.${key} must be an http(s) URL`);
  }
  return value;
}

/** Reads `greenlight.rollouts`; throws on invalid values so a broken setup fails at startup. */
export function readRolloutsConfig(root: Config): RolloutsConfig {
  const c = root.getOptionalConfig(section);
  const webhook = c?.getOptionalConfig('webhook');
  const argo = c?.getOptionalConfig('argo');
  const retry = c?.getOptionalConfig('retry');
  const leaseMs = durationMs(c, 'lease', 60_000);
  return {
    watchIntervalMs: durationMs(c, 'watchInterval', 5_000),
    concurrency: positiveInt(c, 'concurrency', 32),
    leaseMs,
    retry: {
      maxAttempts: positiveInt(retry, 'maxAttempts', 6),
      initialBackoffMs: durationMs(retry, 'initialBackoff', 5_000),
      maxBackoffMs: durationMs(retry, 'maxBackoff', 300_000),
    },
    executor: c?.getOptionalString('executor'),
    webhook: webhook && {
      url: httpUrl(webhook.getString('url'), 'webhook.url'),
      secret: webhook.getString('secret'),
      timeoutMs: positiveInt(webhook, 'timeoutMs', 10_000),
    },
    argo: argo && {
      apiUrl: httpUrl(argo.getString('apiUrl'), 'argo.apiUrl'),
      token: argo.getString('token'),
      namespace: argo.getString('namespace'),
      caCertFile: argo.getOptionalString('caCertFile'),
      undo: argo.getOptionalBoolean('undo') ?? true,
      timeoutMs: positiveInt(argo, 'timeoutMs', 10_000),
    },
  };
}

/** Delay before rollback attempt `attempt + 1`: doubling from the initial backoff, capped. */
export function backoffMs(
  retry: RolloutsConfig['retry'],
  attemptsMade: number,
): number {
  return Math.min(
    retry.maxBackoffMs,
    retry.initialBackoffMs * 2 ** Math.max(0, attemptsMade - 1),
  );
}
