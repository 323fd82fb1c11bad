/**
 * Kinds of policy gate: checks of what is being rolled out rather than of how it behaves.
 * `provenance`: the artifact has a verified provenance verdict at the SLSA level required;
 * `promotion`: the digest passed the previous stage of the promotion path (not rebuilt, no
 * stage skipped); `readiness`: the change's readiness decision allows it now.
 *
 * @public
 */
export const policyGateKinds = [
  'provenance',
  'promotion',
  'readiness',
] as const;

/**
 * One of {@link policyGateKinds}.
 *
 * @public
 */
export type PolicyGateKind = (typeof policyGateKinds)[number];

/**
 * A policy gate of a rollout, fixed when the rollout starts. A failing enforced policy gate
 * holds promotion; it never rolls back (the artifact is unproven, not unhealthy). A shadow
 * policy gate is evaluated and recorded, never acted upon.
 *
 * @public
 */
export interface PolicyGate {
  /** `policy/<kind>`. */
  id: string;
  /** What the gate checks. */
  kind: PolicyGateKind;
  /** Evaluated and recorded, never holding a promotion. */
  shadow: boolean;
  /** For `provenance`: the lowest SLSA level accepted, raised by the entity's annotation. */
  minSlsaLevel?: number;
}

/**
 * The id of a policy gate of a kind.
 *
 * @public
 */
export function policyGateId(kind: PolicyGateKind): string {
  return `policy/${kind}`;
}
