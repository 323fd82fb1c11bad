import { InputError } from '@backstage/errors';
import { DoraWindow, MS_PER_DAY } from '@greenlight/backstage-plugin-greenlight-common';

export const DEFAULT_WINDOW_DAYS = 90;
/** About three years: enough for any review, and a bound on what one request merges. */
export const MAX_WINDOW_DAYS = 1096;

const floorDay = (t: number) => Math.floor(t / MS_PER_DAY) * MS_PER_DAY;
const ceilDay = (t: number) => Math.ceil(t / MS_PER_DAY) * MS_PER_DAY;

/**
 * The window a DORA query answers for. Rollups hold whole UTC days, so `from` is rounded
 * down and `to` up to 00:00 UTC: the answer covers at least the requested time. Without
 * `to` the window ends at the end of today (UTC); without `from` it is 90 days long.
 */
export function dayWindow(requested: { from?: number; to?: number }, now: number): DoraWindow {
  if (requested.from !== undefined && requested.to !== undefined && requested.from >= requested.to) {
    throw new InputError('to: must be after from');
  }
  const to = requested.to !== undefined ? ceilDay(requested.to) : floorDay(now) + MS_PER_DAY;
  const from = requested.from !== undefined ? floorDay(requested.from) : to - DEFAULT_WINDOW_DAYS * MS_PER_DAY;
  if (from >= to) throw new InputError('from: must be before to (the end of today when to is not given)');
  if (to - from > MAX_WINDOW_DAYS * MS_PER_DAY) {
    throw new InputError(`from: the window may span at most ${MAX_WINDOW_DAYS} days`);
  }
  return { from, to };
}
