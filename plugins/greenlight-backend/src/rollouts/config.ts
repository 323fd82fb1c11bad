import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

export type RolloutsConfig = {
  watchIntervalMs: number;
  concurrency: number;
  leaseMs: number;
  retry: {
    maxAttempts: number;
    initialBackoffMs: number;
    maxBackoffMs: number;
  };
  /** Id of the rollback executor to use; chosen from what is registered when unset. */
  executor?: string;
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

/** Reads `greenlight.rollouts`; throws on invalid values so a broken setup fails at startup. */
export function readRolloutsConfig(root: Config): RolloutsConfig {
  const c = root.getOptionalConfig(section);
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
