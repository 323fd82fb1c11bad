import { DoraDailyRollup, emptySketch } from '@greenlight/backstage-plugin-greenlight-common';
import { LoadedRollup, LoadedWeeklyRollup } from './DoraStore';
import { SketchSum } from './sketchCodec';
import { daysOfWeek } from './weeklyRollups';

const EXAMPLES = 5;

function isWeekly(r: LoadedRollup | LoadedWeeklyRollup): r is LoadedWeeklyRollup {
  return 'successfulByDay' in r && Array.isArray((r as LoadedWeeklyRollup).successfulByDay);
}

/**
 * Stored rollups (days and weeks) added up, keeping what the DORA maths needs per day: the
 * successful production deployments of each day, for deployment days. Everything else is a
 * sum or a merged sketch, so it can sit on any one day inside the window it is read for.
 */
export class RollupSum {
  successfulProduction = 0;
  production = 0;
  failed = 0;
  rework = 0;
  cancelled = 0;
  leadTimeClockSkewed = 0;
  leadTimeFromMerge = 0;
  unrecovered = 0;
  deploymentsWithoutCommit = 0;
  commitsWithoutTime = 0;
  readonly examples = { deployments: [] as string[], commits: [] as string[] };
  readonly successfulByDay = new Map<string, number>();
  private readonly leadTime = new SketchSum();
  private readonly recoveryTime = new SketchSum();

  add(r: LoadedRollup | LoadedWeeklyRollup): this {
    this.successfulProduction += r.successfulProduction;
    this.production += r.production;
    this.failed += r.failed;
    this.rework += r.rework;
    this.cancelled += r.cancelled;
    this.leadTimeClockSkewed += r.leadTimeClockSkewed;
    // Rollups written before it was kept have none.
    this.leadTimeFromMerge += r.leadTimeFromMerge ?? 0;
    this.unrecovered += r.unrecovered;
    this.deploymentsWithoutCommit += r.deploymentsWithoutCommit;
    this.commitsWithoutTime += r.commitsWithoutTime;
    if (r.examples) {
      for (const id of r.examples.deployments) if (this.examples.deployments.length < EXAMPLES) this.examples.deployments.push(id);
      for (const sha of r.examples.commits) if (this.examples.commits.length < EXAMPLES) this.examples.commits.push(sha);
    }
    this.leadTime.add(r.leadTime);
    this.recoveryTime.add(r.recoveryTime);
    if (isWeekly(r)) {
      const days = daysOfWeek(r.week);
      r.successfulByDay.forEach((n, i) => this.addSuccessful(days[i], n));
    } else {
      this.addSuccessful(r.day, r.successfulProduction);
    }
    return this;
  }

  private addSuccessful(day: string, n: number) {
    if (n > 0) this.successfulByDay.set(day, (this.successfulByDay.get(day) ?? 0) + n);
  }

  /**
   * As daily rollups under `entityRef`: the sums and merged sketches on `day`, and the
   * successful deployments of every other day on that day. Any window holding `day` and
   * all the days added gets the figures of the rollups added.
   */
  toDailyRollups(entityRef: string, day: string, accuracy: number): DoraDailyRollup[] {
    const empty = emptySketch(accuracy);
    const rows: DoraDailyRollup[] = [
      {
        entityRef,
        day,
        successfulProduction: this.successfulByDay.get(day) ?? 0,
        production: this.production,
        failed: this.failed,
        rework: this.rework,
        cancelled: this.cancelled,
        leadTime: this.leadTime.toSketch(accuracy),
        leadTimeClockSkewed: this.leadTimeClockSkewed,
        ...(this.leadTimeFromMerge > 0 ? { leadTimeFromMerge: this.leadTimeFromMerge } : {}),
        recoveryTime: this.recoveryTime.toSketch(accuracy),
        unrecovered: this.unrecovered,
      },
    ];
    for (const [other, n] of this.successfulByDay) {
      if (other === day) continue;
      rows.push({
        entityRef,
        day: other,
        successfulProduction: n,
        production: 0,
        failed: 0,
        rework: 0,
        cancelled: 0,
        leadTime: empty,
        leadTimeClockSkewed: 0,
        recoveryTime: empty,
        unrecovered: 0,
      });
    }
    return rows;
  }
}
