/**
 * The kinds of change the readiness matrix distinguishes. A change can belong to several.
 *
 * @public
 */
export const CHANGE_CLASSES = [
  'code',
  'config',
  'database',
  'cross-service',
  'security-sensitive',
] as const;

/** @public */
export type ChangeClass = (typeof CHANGE_CLASSES)[number];

/**
 * Paths matching `ignore` never make a change `code` (documentation, pipeline definitions);
 * they can still put it in another class.
 *
 * @public
 */
export type PathRuleName = ChangeClass | 'ignore';

/** @public */
export const PATH_RULE_NAMES: readonly PathRuleName[] = [...CHANGE_CLASSES, 'ignore'];

/** @public */
export function isChangeClass(value: string): value is ChangeClass {
  return (CHANGE_CLASSES as readonly string[]).includes(value);
}

/**
 * Catalog annotations the governance checks read.
 *
 * @public
 */
export const GOVERNANCE_ANNOTATIONS = {
  /** `class=glob,glob;class=glob`, see docs/governance.md. */
  changeClasses: 'greenlight.dev/change-classes',
  /** `'true'` or `'false'`: production deployments need passing test evidence. */
  requireTests: 'greenlight.dev/require-tests',
  /** The entity's SLO document; its presence means a canary has metrics to abort on. */
  slo: 'greenlight.dev/slo',
} as const;
