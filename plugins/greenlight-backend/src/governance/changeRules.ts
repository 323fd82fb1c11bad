import { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  ClassificationRules,
  DEFAULT_PATH_RULES,
  GOVERNANCE_ANNOTATIONS,
  mergePathRules,
  parseChangeClassesAnnotation,
} from '@greenlight/backstage-plugin-greenlight-common';
import { GovernanceConfig } from './governanceConfig';

/** The entity's classification rules: defaults, plus its `greenlight.dev/change-classes`. */
export function classificationRulesFor(entity: Entity, config: GovernanceConfig): ClassificationRules {
  const annotation = entity.metadata.annotations?.[GOVERNANCE_ANNOTATIONS.changeClasses];
  if (!annotation) return { paths: mergePathRules(DEFAULT_PATH_RULES), labels: config.labels };
  const parsed = parseChangeClassesAnnotation(annotation);
  if (!parsed.ok) {
    // The entity's owners must fix it; a readiness answer from half-read rules would mislead.
    throw new InputError(
      `entityRef: the entity's ${GOVERNANCE_ANNOTATIONS.changeClasses} annotation is invalid: ${parsed.problems.join('; ')}`,
    );
  }
  return { paths: mergePathRules(DEFAULT_PATH_RULES, parsed.rules), labels: config.labels };
}

/**
 * Whether production deployments of the entity need passing tests, and who said so. The
 * annotation may raise the organisation's bar, never lower it: with
 * `greenlight.readiness.requireTests: true`, an entity's `'false'` changes nothing.
 */
export function requireTestsPolicy(
  entity: Entity,
  config: GovernanceConfig,
): { requireTests: boolean; source: 'annotation' | 'config' } {
  if (config.requireTestsDefault) return { requireTests: true, source: 'config' };
  const value = entity.metadata.annotations?.[GOVERNANCE_ANNOTATIONS.requireTests]?.trim().toLowerCase();
  if (value === 'true' || value === 'false') return { requireTests: value === 'true', source: 'annotation' };
  return { requireTests: false, source: 'config' };
}

/** The entity's SLO document, whose gates can abort a canary. */
export function sloDocumentOf(entity: Entity): string | undefined {
  const value = entity.metadata.annotations?.[GOVERNANCE_ANNOTATIONS.slo]?.trim();
  return value ? value : undefined;
}
