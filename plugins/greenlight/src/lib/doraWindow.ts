/**
 * The review window kept in the URL as whole UTC days (`from` and `to` inclusive,
 * `YYYY-MM-DD`), so a shared or printed review shows the same numbers tomorrow.
 * Whole UTC days also make the backend's daily rollups exact.
 */

export type DoraBucket = 'week' | 'month';
export type ReviewWindow = { from: string; to: string; bucket: DoraBucket };

export const WINDOW_PRESETS = [30, 90, 180] as const;
export type WindowPreset = (typeof WINDOW_PRESETS)[number];

const DAY_MS = 24 * 3600_000;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function utcDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function addDays(day: string, days: number): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
}

function isDay(value: string | null): value is string {
  return !!value && DAY_PATTERN.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}

/** The last `days` days, today included. */
export function presetWindow(days: number, now: Date, bucket?: DoraBucket): ReviewWindow {
  const to = utcDay(now);
  return { from: addDays(to, -(days - 1)), to, bucket: bucket ?? (days > 120 ? 'month' : 'week') };
}

export function windowFromParams(params: URLSearchParams, now: Date): ReviewWindow {
  const from = params.get('from');
  const to = params.get('to');
  const bucketParam = params.get('bucket');
  const bucket = bucketParam === 'month' || bucketParam === 'week' ? bucketParam : undefined;
  if (isDay(from) && isDay(to) && from <= to) {
    return { from, to, bucket: bucket ?? 'week' };
  }
  return presetWindow(90, now, bucket);
}

export function windowToParams(window: ReviewWindow): Record<string, string> {
  return { from: window.from, to: window.to, bucket: window.bucket };
}

/** The half-open instant range the API expects. */
export function windowToRange(window: Pick<ReviewWindow, 'from' | 'to'>): { from: string; to: string } {
  return { from: `${window.from}T00:00:00.000Z`, to: `${addDays(window.to, 1)}T00:00:00.000Z` };
}

export function windowLengthDays(window: Pick<ReviewWindow, 'from' | 'to'>): number {
  return Math.round((Date.parse(`${window.to}T00:00:00Z`) - Date.parse(`${window.from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The preset the window equals today, if any; otherwise the window is custom. */
export function matchingPreset(window: ReviewWindow, now: Date): WindowPreset | undefined {
  if (window.to !== utcDay(now)) return undefined;
  return WINDOW_PRESETS.find(days => windowLengthDays(window) === days);
}

/** The window of the same length just before, as the backend compares with. */
export function previousWindow(window: Pick<ReviewWindow, 'from' | 'to'>): { from: string; to: string } {
  const length = windowLengthDays(window);
  return { from: addDays(window.from, -length), to: addDays(window.from, -1) };
}
