/**
 * Whether an override still answers for a change assessed again. An override waives the
 * controls that were missing when a person looked at it, nothing else: it is reused only while
 * every control missing now was among them (the same set, or fewer). A control that starts
 * failing later, e.g. provenance turning invalid after an override for a missing approval,
 * blocks the change again until someone overrides that too.
 */
export function overrideCovers(
  waived: readonly string[],
  missingNow: readonly string[],
): boolean {
  const waivedSet = new Set(waived);
  return missingNow.every(control => waivedSet.has(control));
}
