import {
  DoraWindow,
  fromMergeOf,
  isoWeekStart,
  mergeSketches,
  MS_PER_DAY,
  utcDayKey,
} from '@greenlight/backstage-plugin-greenlight-common';
import { StoredRollup } from './DoraStore';

/**
 * Weekly rollups: an entity's daily rollups of one ISO week merged into one row, so that
 * long windows and large scopes read about a seventh of the rows. A week is only read where
 * the whole week lies inside one part of the query (the current window, the previous one,
 * one trend bucket); days at the edges are read from the daily rollups.
 */

const EXAMPLES = 3;
const WEEK_MS = 7 * MS_PER_DAY;

export type StoredWeeklyRollup = StoredRollup & {
  /** The Monday (`YYYY-MM-DD`) the week starts on; `day` holds the same. */
  week: string;
  /** Successful production deployments on each day, Monday first: deployment days survive the merge. */
  successfulByDay: number[];
};

export const dayStart = (day: string) => Date.parse(`${day}T00:00:00.000Z`);
export const weekOf = (day: string) => utcDayKey(isoWeekStart(dayStart(day)));

/** Merges daily rollups of one entity into one row per ISO week that has any. */
export function buildWeeklyRollups(daily: StoredRollup[]): StoredWeeklyRollup[] {
  const weeks = new Map<string, StoredRollup[]>();
  for (const r of daily) {
    const week = weekOf(r.day);
    const list = weeks.get(week);
    if (list) list.push(r);
    else weeks.set(week, [r]);
  }
  return [...weeks.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([week, days]) => {
      const sum = (pick: (r: StoredRollup) => number) => days.reduce((total, r) => total + pick(r), 0);
      const successfulByDay = [0, 0, 0, 0, 0, 0, 0];
      for (const r of days) {
        successfulByDay[Math.round((dayStart(r.day) - dayStart(week)) / MS_PER_DAY)] += r.successfulProduction;
      }
      const examples = { deployments: [] as string[], commits: [] as string[] };
      for (const r of days) {
        examples.deployments.push(...(r.examples?.deployments ?? []));
        examples.commits.push(...(r.examples?.commits ?? []));
      }
      return {
        entityRef: days[0].entityRef,
        day: week,
        week,
        successfulProduction: sum(r => r.successfulProduction),
        production: sum(r => r.production),
        failed: sum(r => r.failed),
        rework: sum(r => r.rework),
        cancelled: sum(r => r.cancelled),
        leadTime: mergeSketches(days.map(r => r.leadTime)),
        leadTimeClockSkewed: sum(r => r.leadTimeClockSkewed),
        ...fromMergeOf(days),
        recoveryTime: mergeSketches(days.map(r => r.recoveryTime)),
        unrecovered: sum(r => r.unrecovered),
        deploymentsWithoutCommit: sum(r => r.deploymentsWithoutCommit),
        commitsWithoutTime: sum(r => r.commitsWithoutTime),
        examples:
          examples.deployments.length + examples.commits.length > 0
            ? { deployments: examples.deployments.slice(0, EXAMPLES), commits: examples.commits.slice(0, EXAMPLES) }
            : null,
        successfulByDay,
      };
    });
}

const dayKeys = new Map<string, string[]>();
/** The seven day keys of a week, Monday first; memoised, as every query asks for the same weeks. */
export function daysOfWeek(monday: string): string[] {
  let days = dayKeys.get(monday);
  if (!days) {
    const start = dayStart(monday);
    days = Array.from({ length: 7 }, (_, i) => utcDayKey(start + i * MS_PER_DAY));
    if (dayKeys.size > 10_000) dayKeys.clear();
    dayKeys.set(monday, days);
  }
  return days;
}

/** Which weeks and which days to read for a range cut into parts no week may straddle. */
export type RollupReadPlan = {
  /** Mondays of whole weeks inside one part. */
  weeks: string[];
  /** Half-open `[fromDay, toDay)` ranges read day by day. */
  dayRanges: Array<[string, string]>;
};

/**
 * @param range - whole UTC days
 * @param cuts - times inside the range that parts end at (e.g. the window's start, month starts)
 */
export function planRollupReads(range: DoraWindow, cuts: number[]): RollupReadPlan {
  const bounds = [...new Set([range.from, ...cuts.filter(c => c > range.from && c < range.to), range.to])].sort(
    (a, b) => a - b,
  );
  const plan: RollupReadPlan = { weeks: [], dayRanges: [] };
  const addDays = (from: number, to: number) => {
    if (from >= to) return;
    const last = plan.dayRanges[plan.dayRanges.length - 1];
    const fromDay = utcDayKey(from);
    if (last && last[1] === fromDay) last[1] = utcDayKey(to);
    else plan.dayRanges.push([fromDay, utcDayKey(to)]);
  };
  for (let i = 0; i + 1 < bounds.length; i++) {
    const [from, to] = [bounds[i], bounds[i + 1]];
    let monday = isoWeekStart(from);
    if (monday < from) monday += WEEK_MS;
    if (monday + WEEK_MS > to) {
      addDays(from, to);
      continue;
    }
    addDays(from, monday);
    for (; monday + WEEK_MS <= to; monday += WEEK_MS) plan.weeks.push(utcDayKey(monday));
    addDays(monday, to);
  }
  return plan;
}
