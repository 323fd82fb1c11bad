import { computeDoraMetrics } from '../metrics';
import { DoraDeployment } from '../types';

/**
 * The figures a worked example states, computed from a history: deployments counted, the
 * change fail and rework rates as [numerator, denominator], the failed deployments, and the
 * recovery samples as [count, median].
 */
export function doraFigures(
  deployments: DoraDeployment[],
  window: { from: number; to: number },
) {
  const m = computeDoraMetrics({ deployments, incidents: [] }, window);
  return {
    deployments: m.deploymentFrequency.count,
    changeFail: [m.changeFailRate.numerator, m.changeFailRate.denominator],
    failed: m.changeFailRate.failures?.map(f => f.deploymentId),
    rework: [
      m.deploymentReworkRate.numerator,
      m.deploymentReworkRate.denominator,
    ],
    recovery: [
      m.failedDeploymentRecoveryTime.n,
      m.failedDeploymentRecoveryTime.medianMs,
    ],
  };
}
