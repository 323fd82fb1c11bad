import { Config } from '@backstage/config';
import {
  CHANGE_CLASSES,
  ChangeClass,
  ControlMatrix,
  DEFAULT_LABEL_RULES,
  resolveControlMatrix,
} from '@greenlight/backstage-plugin-greenlight-common';

export type GovernanceConfig = {
  matrix: ControlMatrix;
  /** Labels per class: the defaults plus `greenlight.readiness.labels`. */
  labels: Record<ChangeClass, readonly string[]>;
  /** Whether production deployments need passing tests when an entity does not say. */
  requireTestsDefault: boolean;
  /** Deadline for reconciling a break-glass change when the caller gives none. */
  breakGlassReconcileWithinHours: number;
};

/** Reads `greenlight.readiness` and `greenlight.breakGlass`; a bad matrix stops the backend. */
export function readGovernanceConfig(config: Config): GovernanceConfig {
  const readiness = config.getOptionalConfig('greenlight.readiness');
  const controls = readiness?.getOptionalConfig('controls');
  const configured: Record<string, string[]> = {};
  for (const key of controls?.keys() ?? []) configured[key] = controls!.getStringArray(key);
  const resolved = resolveControlMatrix(configured);
  if (!resolved.ok) {
    throw new Error(`Invalid greenlight.readiness.controls: ${resolved.problems.join('; ')}`);
  }

  const labels = { ...DEFAULT_LABEL_RULES } as Record<ChangeClass, readonly string[]>;
  const extraLabels = readiness?.getOptionalConfig('labels');
  for (const key of extraLabels?.keys() ?? []) {
    if (!(CHANGE_CLASSES as readonly string[]).includes(key)) {
      throw new Error(
        `Invalid greenlight.readiness.labels: unknown class "${key}" (expected one of ${CHANGE_CLASSES.join(', ')})`,
      );
    }
    const cls = key as ChangeClass;
    labels[cls] = [...labels[cls], ...extraLabels!.getStringArray(key)];
  }

  const hours = config.getOptionalNumber('greenlight.breakGlass.reconcileWithinHours') ?? 72;
  if (!(hours > 0)) throw new Error('greenlight.breakGlass.reconcileWithinHours must be positive');

  return {
    matrix: resolved.matrix,
    labels,
    requireTestsDefault: readiness?.getOptionalBoolean('requireTests') ?? false,
    breakGlassReconcileWithinHours: hours,
  };
}
