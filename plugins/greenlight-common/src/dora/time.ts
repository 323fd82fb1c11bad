import { DoraWindow } from './types';

/** @public */
export const MS_PER_DAY = 86_400_000;
/** @public */
export const MS_PER_HOUR = 3_600_000;

/** Start (00:00 UTC) of the UTC day containing `time`. */
export function utcDayStart(time: number): number {
  return Math.floor(time / MS_PER_DAY) * MS_PER_DAY;
}

/**
 * `YYYY-MM-DD` of the UTC day containing `time`.
 *
 * @public
 */
export function utcDayKey(time: number): string {
  return new Date(utcDayStart(time)).toISOString().slice(0, 10);
}

/** Inverse of {@link utcDayKey}. */
export function utcDayKeyToTime(day: string): number {
  const time = Date.parse(`${day}T00:00:00.000Z`);
  if (!Number.isFinite(time) || utcDayKey(time) !== day) {
    throw new RangeError(`Not a UTC day key: ${day}`);
  }
  return time;
}

/**
 * Monday 00:00 UTC of the ISO week containing `time`.
 *
 * @public
 */
export function isoWeekStart(time: number): number {
  const day = utcDayStart(time);
  const mondayBased = (new Date(day).getUTCDay() + 6) % 7;
  return day - mondayBased * MS_PER_DAY;
}

/**
 * ISO 8601 week label such as `2026-W01`; the ISO year is the year of the
 * week's Thursday.
 *
 * @public
 */
export function isoWeekLabel(time: number): string {
  const thursday = new Date(isoWeekStart(time) + 3 * MS_PER_DAY);
  const year = thursday.getUTCFullYear();
  const dayOfYear = (thursday.getTime() - Date.UTC(year, 0, 1)) / MS_PER_DAY;
  const week = Math.floor(dayOfYear / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** First day 00:00 UTC of the calendar month containing `time`. */
export function utcMonthStart(time: number): number {
  const date = new Date(time);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1);
}

function nextUtcMonthStart(time: number): number {
  const date = new Date(utcMonthStart(time));
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1);
}

/** @public */
export function isInWindow(time: number | undefined, window: DoraWindow) {
  return time !== undefined && time >= window.from && time < window.to;
}

/** @public */
export function windowDays(window: DoraWindow): number {
  return Math.max(0, window.to - window.from) / MS_PER_DAY;
}

/**
 * The window of the same length immediately before `window`, for
 * previous-period comparisons.
 *
 * @public
 */
export function previousWindow(window: DoraWindow): DoraWindow {
  const length = window.to - window.from;
  return { from: window.from - length, to: window.from };
}

/** @public */
export type DoraGranularity = 'week' | 'month';

/** @public */
export interface DoraBucket {
  /** `2026-W02` for weeks, `2026-01` for months. */
  label: string;
  /** The calendar bucket clipped to the requested window. */
  window: DoraWindow;
}

/**
 * Splits a window into ISO weeks (Monday 00:00 UTC) or UTC calendar months;
 * the first and last buckets are clipped to the window, so they may be partial.
 *
 * @public
 */
export function splitWindow(
  window: DoraWindow,
  granularity: DoraGranularity,
): DoraBucket[] {
  const buckets: DoraBucket[] = [];
  if (window.from >= window.to) return buckets;
  let start =
    granularity === 'week'
      ? isoWeekStart(window.from)
      : utcMonthStart(window.from);
  while (start < window.to) {
    const end =
      granularity === 'week'
        ? start + 7 * MS_PER_DAY
        : nextUtcMonthStart(start);
    const label =
      granularity === 'week'
        ? isoWeekLabel(start)
        : new Date(start).toISOString().slice(0, 7);
    buckets.push({
      label,
      window: {
        from: Math.max(start, window.from),
        to: Math.min(end, window.to),
      },
    });
    start = end;
  }
  return buckets;
}
