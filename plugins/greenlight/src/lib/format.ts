/** Shared display formatting: dates in the reader's locale, compact durations and rates. */

const DASH = '—';

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString();
}

/** A calendar day held as `YYYY-MM-DD` in UTC, shown in the reader's locale. */
export function formatDay(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? day : date.toLocaleDateString(undefined, { timeZone: 'UTC' });
}

export function shortDigest(digest: string): string {
  return digest.replace(/^sha\d+:/, '').slice(0, 12);
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * What names a release at a glance: its version, else its commit, else its artifact. A
 * deployment that reported none of them still runs something, so it is never a bare dash.
 */
export function releaseTitle(release: {
  version?: string | null;
  commitSha?: string | null;
  artifactDigest?: string | null;
}): string {
  if (release.version) return release.version;
  if (release.commitSha) return shortSha(release.commitSha);
  if (release.artifactDigest) return shortDigest(release.artifactDigest);
  return 'version not reported';
}

const UNITS: Array<[number, string]> = [
  [24 * 3600_000, 'd'],
  [3600_000, 'h'],
  [60_000, 'min'],
  [1000, 's'],
];

/** Two most significant units, e.g. `2 d 4 h`, `3 h 20 min`, `45 s`. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return DASH;
  const sign = ms < 0 ? '−' : '';
  let rest = Math.abs(Math.round(ms));
  if (rest < 1000) return `${sign}${rest} ms`;
  const index = UNITS.findIndex(([size]) => rest >= size);
  const [size, unit] = UNITS[index];
  const major = Math.floor(rest / size);
  rest -= major * size;
  const next = UNITS[index + 1];
  const minor = next ? Math.floor(rest / next[0]) : 0;
  return `${sign}${major} ${unit}${minor > 0 ? ` ${minor} ${next[1]}` : ''}`;
}

export function formatPercent(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return DASH;
  return `${(rate * 100).toFixed(digits)}%`;
}

export type FrequencyUnit = 'day' | 'week' | 'month';
const PER_DAY: Record<FrequencyUnit, number> = { day: 1, week: 7, month: 30 };

/** The unit in which a deployment rate reads as a whole number or more. */
export function frequencyUnit(perDay: number): FrequencyUnit {
  const magnitude = Math.abs(perDay);
  if (magnitude >= 1 || magnitude === 0) return 'day';
  return magnitude * 7 >= 1 ? 'week' : 'month';
}

/**
 * Deployments per day, scaled to the unit that reads as a whole number, or to the given unit
 * (a change is shown in its value's unit, so one row never mixes "/ day" and "/ week").
 */
export function formatFrequency(perDay: number | null | undefined, unit?: FrequencyUnit): string {
  if (perDay === null || perDay === undefined || !Number.isFinite(perDay)) return DASH;
  const chosen = unit ?? frequencyUnit(perDay);
  return `${round(perDay * PER_DAY[chosen])} / ${chosen}`;
}

function round(value: number): string {
  return Number(value.toFixed(value >= 10 || value <= -10 ? 0 : 1)).toString();
}

export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return DASH;
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString() : Number(value.toPrecision(3)).toLocaleString();
}

/** How long ago, in the largest whole unit: `just now`, `5 min ago`, `3 h ago`, `2 d ago`. */
export function formatRelative(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return DASH;
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso;
  const ago = now - time;
  if (ago < 0) return formatDateTime(iso);
  if (ago < 60_000) return 'just now';
  const [size, unit] = UNITS.find(([s]) => ago >= s)!;
  return `${Math.floor(ago / size)} ${unit} ago`;
}

/**
 * A stored reason as people read it: the long decimals a metric query returns are rounded to
 * three significant digits ("0.08275853897787058 is not < 0.02" reads "0.0828 is not < 0.02").
 * Evaluations that keep their comparison are said from the numbers (see gateEvidence.ts);
 * this is for older rows and for reasons that are not a comparison.
 */
export function readableReason(text: string): string {
  return text.replace(/-?\d+\.\d{4,}(e-?\d+)?/g, n => {
    const value = Number(n);
    return Math.abs(value) >= 100 ? Math.round(value).toLocaleString() : String(Number(value.toPrecision(3)));
  });
}
