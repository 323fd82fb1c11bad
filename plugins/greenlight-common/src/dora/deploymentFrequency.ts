import { nearestRankIndex } from './quantiles';
import { isoWeekLabel, MS_PER_DAY, splitWindow, windowDays } from './time';
import { DoraWindow } from './types';

/** @public */
export interface DoraWeekDeploymentDays {
  /** ISO week, e.g. `2026-W02`. */
  week: string;
  /** Days of this week inside the window; less than 7 for a partial week. */
  daysInWindow: number;
  /** Distinct UTC days with at least one successful production deployment. */
  deploymentDays: number;
  deployments: number;
}

/** @public */
export interface DoraDeploymentFrequency {
  /** Successful production deployments that finished in the window. */
  count: number;
  /** `count` per day of window length; `null` for an empty window. */
  perDay: number | null;
  /**
   * Entities with at least one of those deployments: 1 for a service that deployed, more for
   * a team, a system or the organisation.
   */
  entities: number;
  /**
   * `perDay` per entity that deployed (`perDay` itself for one entity); the performance level
   * is rated on it, since the reports' levels describe how often one application or service
   * deploys, and a team's pooled count grows with its number of services.
   */
  perDayPerEntity: number | null;
  /** Nearest-rank median of `weeks[].deploymentDays`; `null` without weeks. */
  medianDeployDaysPerWeek: number | null;
  weeks: DoraWeekDeploymentDays[];
}

/**
 * @param successfulByDay - successful production deployments in the window,
 *   counted per UTC day start (epoch ms)
 * @param deployingEntities - the entities those deployments are of
 */
export function deploymentFrequency(
  successfulByDay: ReadonlyMap<number, number>,
  window: DoraWindow,
  deployingEntities: number,
): DoraDeploymentFrequency {
  const weeks = new Map<string, DoraWeekDeploymentDays>();
  for (const bucket of splitWindow(window, 'week')) {
    weeks.set(bucket.label, {
      week: bucket.label,
      daysInWindow: (bucket.window.to - bucket.window.from) / MS_PER_DAY,
      deploymentDays: 0,
      deployments: 0,
    });
  }
  let count = 0;
  for (const [dayStart, deployments] of successfulByDay) {
    if (deployments <= 0) continue;
    const week = weeks.get(isoWeekLabel(dayStart));
    if (!week) throw new RangeError('Deployment day outside the window');
    week.deploymentDays += 1;
    week.deployments += deployments;
    count += deployments;
  }
  const days = windowDays(window);
  const perWeek = [...weeks.values()]
    .map(w => w.deploymentDays)
    .sort((a, b) => a - b);
  const perDay = days > 0 ? count / days : null;
  return {
    count,
    perDay,
    entities: deployingEntities,
    perDayPerEntity:
      perDay === null ? null : perDay / Math.max(1, deployingEntities),
    medianDeployDaysPerWeek:
      perWeek.length > 0
        ? perWeek[nearestRankIndex(0.5, perWeek.length)]
        : null,
    weeks: [...weeks.values()],
  };
}
