import { SchedulerServiceTaskScheduleDefinition } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { HumanDuration } from '@backstage/types';

export type ReverifySchedule = {
  frequency: HumanDuration;
  /** Attestations verified again per batch. */
  batchSize: number;
};

const KEY = 'greenlight.provenance.reverify';

/** `greenlight.provenance.reverify`: every 15 minutes, 500 at a time, unless configured. */
export function readReverifySchedule(config: Config): ReverifySchedule {
  const section = config.getOptionalConfig(KEY);
  const frequency = section?.has('frequency')
    ? readDurationFromConfig(section, { key: 'frequency' })
    : { minutes: 15 };
  const batchSize = section?.getOptionalNumber('batchSize') ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
    throw new Error(`${KEY}.batchSize must be an integer from 1 to 10000`);
  }
  return { frequency, batchSize };
}

export function reverifyTaskSchedule(
  schedule: ReverifySchedule,
): Pick<
  SchedulerServiceTaskScheduleDefinition,
  'frequency' | 'timeout' | 'initialDelay'
> {
  return {
    frequency: schedule.frequency,
    timeout: { minutes: 10 },
    initialDelay: { minutes: 1 },
  };
}
