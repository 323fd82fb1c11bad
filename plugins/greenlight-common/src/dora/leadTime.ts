import { byTimeThenId, groupBy } from './deployments';
import { DoraDeployment } from './types';

/** One commit's lead time, dated by the deployment that first shipped it. */
export interface LeadTimeSample {
  entityRef: string;
  /** Finish of the first successful production deployment carrying the commit. */
  at: number;
  /** Negative when the commit clock is ahead of the deployment clock. */
  leadTimeMs: number;
  /** Measured from the merge, because no commit time was known. */
  fromMerge: boolean;
}

/**
 * Lead-time samples from successful production deployments placed in time.
 *
 * Commits are known only by their commit times, so "the same commit" is the
 * same commit time within the same entity. A commit time seen `k` times in one
 * deployment is `k` commits; a later deployment of the entity (another
 * production environment, or a redeploy after a rollback) adds only the
 * occurrences beyond the most seen so far. This keeps each commit's lead time
 * to its first production deployment, as DORA defines it, instead of counting
 * it once per production environment.
 */
export function leadTimeSamples(
  successfulProduction: ReadonlyArray<{
    at: number;
    deployment: DoraDeployment;
  }>,
): LeadTimeSample[] {
  const samples: LeadTimeSample[] = [];
  const byEntity = groupBy(successfulProduction, e => e.deployment.entityRef);
  for (const [entityRef, entries] of byEntity) {
    const shipped = new Map<number, number>();
    for (const { at, deployment } of [...entries].sort(byTimeThenId)) {
      const inThisDeployment = new Map<number, number>();
      for (const t of deployment.commitTimes) {
        inThisDeployment.set(t, (inThisDeployment.get(t) ?? 0) + 1);
      }
      const merges = new Map<number, number>();
      for (const t of deployment.mergeTimes ?? []) {
        merges.set(t, (merges.get(t) ?? 0) + 1);
      }
      for (const [commitTime, copies] of inThisDeployment) {
        const already = shipped.get(commitTime) ?? 0;
        // Occurrences with a known commit time come first, those known by merge last.
        const fromCommit =
          copies - Math.min(merges.get(commitTime) ?? 0, copies);
        for (let i = already; i < copies; i++) {
          samples.push({
            entityRef,
            at,
            leadTimeMs: at - commitTime,
            fromMerge: i >= fromCommit,
          });
        }
        shipped.set(commitTime, Math.max(already, copies));
      }
    }
  }
  return samples;
}
