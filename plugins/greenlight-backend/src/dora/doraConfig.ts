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

/** What `greenlight.dora.*` configures; every field has a product default. */
export type DoraSettings = {
  reportYear: DoraReportYear;
  minimumSamples: DoraMinimumSamples;
  attributionHorizonMs: number;
  /** Before detection, how far back a deployment is a recent change for attribution candidates. */
  candidateWindowMs: number;
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
  let attributionHorizonMs = DEFAULT_ATTRIBUTION_HORIZON_MS;
  if (config?.has('attributionHorizon')) {
    try {
      attributionHorizonMs = durationToMilliseconds(readDurationFromConfig(config, { key: 'attributionHorizon' }));
    } catch (e) {
      throw new InputError(`greenlight.dora.attributionHorizon: ${(e as Error).message}`);
    }
  }
  if (!(attributionHorizonMs >= 0)) {
    throw new InputError('greenlight.dora.attributionHorizon must not be negative');
  }
  let candidateWindowMs = DEFAULT_CANDIDATE_WINDOW_MS;
  if (config?.has('candidateWindow')) {
    try {
      candidateWindowMs = durationToMilliseconds(readDurationFromConfig(config, { key: 'candidateWindow' }));
    } catch (e) {
      throw new InputError(`greenlight.dora.candidateWindow: ${(e as Error).message}`);
    }
    if (!(candidateWindowMs > 0)) throw new InputError('greenlight.dora.candidateWindow must be positive');
  }
  return {
    reportYear: year as DoraReportYear,
    minimumSamples,
    attributionHorizonMs,
    candidateWindowMs,
    sketchRelativeAccuracy: DEFAULT_SKETCH_RELATIVE_ACCURACY,
  };
}
