import { Config, readDurationFromConfig } from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import {
  DEFAULT_ATTRIBUTION_HORIZON_MS,
  DEFAULT_DORA_REPORT_YEAR,
  DEFAULT_MINIMUM_SAMPLES,
  DEFAULT_SKETCH_RELATIVE_ACCURACY,
  DORA_REPORT_YEARS,
  DoraMinimumSamples,
  DoraReportYear,
} from '@greenlight/backstage-plugin-greenlight-common';

const DEFAULT_CANDIDATE_WINDOW_MS = 24 * 3_600_000;
const DEFAULT_REBUILD_ON_READ_MS = 1_000;

/** What `greenlight.dora.*` configures; every field has a product default. */
export type DoraSettings = {
  reportYear: DoraReportYear;
  minimumSamples: DoraMinimumSamples;
  attributionHorizonMs: number;
  /** Before detection, how far back a deployment is a recent change for attribution candidates. */
  candidateWindowMs: number;
  /** How long a read may rebuild its stale entities' rollups before answering. */
  rebuildOnReadMs: number;
  /** Not configurable: stored sketches of different accuracies cannot be merged. */
  sketchRelativeAccuracy: number;
};

function nonNegativeInteger(config: Config, key: string): number | undefined {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < 0) {
    throw new InputError(`greenlight.dora.minimumSamples.${key} must be a non-negative integer`);
  }
  return value;
}

/** A duration key of `greenlight.dora` in milliseconds; `least` says whether 0 is allowed. */
function durationMs(
  config: Config | undefined,
  key: string,
  fallback: number,
  least: 'zero' | 'positive',
): number {
  if (!config?.has(key)) return fallback;
  let ms: number;
  try {
    ms = durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (e) {
    throw new InputError(`greenlight.dora.${key}: ${(e as Error).message}`);
  }
  if (least === 'positive' && !(ms > 0)) throw new InputError(`greenlight.dora.${key} must be positive`);
  if (!(ms >= 0)) throw new InputError(`greenlight.dora.${key} must not be negative`);
  return ms;
}

export function readDoraSettings(root: Config): DoraSettings {
  const config = root.getOptionalConfig('greenlight.dora');
  const year = config?.getOptionalNumber('reportYear') ?? DEFAULT_DORA_REPORT_YEAR;
  if (!(DORA_REPORT_YEARS as readonly number[]).includes(year)) {
    throw new InputError(
      `greenlight.dora.reportYear must be one of ${DORA_REPORT_YEARS.join(', ')}`,
    );
  }
  const minimum = config?.getOptionalConfig('minimumSamples');
  const minimumSamples = { ...DEFAULT_MINIMUM_SAMPLES };
  if (minimum) {
    for (const key of Object.keys(DEFAULT_MINIMUM_SAMPLES) as Array<keyof DoraMinimumSamples>) {
      const value = nonNegativeInteger(minimum, key);
      if (value !== undefined) minimumSamples[key] = value;
    }
  }
  const attributionHorizonMs = durationMs(config, 'attributionHorizon', DEFAULT_ATTRIBUTION_HORIZON_MS, 'zero');
  const candidateWindowMs = durationMs(config, 'candidateWindow', DEFAULT_CANDIDATE_WINDOW_MS, 'positive');
  const rebuildOnReadMs = durationMs(config, 'rebuildOnRead', DEFAULT_REBUILD_ON_READ_MS, 'zero');
  return {
    reportYear: year as DoraReportYear,
    minimumSamples,
    attributionHorizonMs,
    candidateWindowMs,
    rebuildOnReadMs,
    sketchRelativeAccuracy: DEFAULT_SKETCH_RELATIVE_ACCURACY,
  };
}
