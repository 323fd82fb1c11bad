/**
 * Rollbacks: one rule for every source.
 *
 * A rollback reaches the ledger from the rollout watcher's executor, from a person, from a
 * pipeline through the native API, from CDEvents `service.rolledback` or from a GitHub
 * deployment with intent `rollback`. Most of them say only "this environment was rolled
 * back": no artifact, no version, no commit, often not even which deployment was undone.
 * This rule completes them from the rest of the environment's history, the same way
 * whatever the source:
 *
 * 1. **What it undoes.** The deployment the rollback names in `rollbackOf`; else the one
 *    current in that entity and environment when the rollback started: the latest
 *    deployment that started before it and is neither cancelled (it never ran) nor a
 *    rollback itself (two reports of one rollback then undo the same deployment instead of
 *    undoing each other).
 * 2. **What it restores.** What ran there before the undone deployment: the latest
 *    succeeded deployment that started before it and was not undone itself, as completed by
 *    this rule (a rollback restores what an earlier rollback restored). The rollback takes
 *    the artifact digest, version and commit of that deployment for every field it does not
 *    name itself, unless it names a different artifact digest: then it restored something
 *    else and nothing is filled in.
 * 3. **The undone deployment's outcome.** Once the rollback succeeded, an undone deployment
 *    still reported as `started` (a canary the rollback ended) is `rolled-back`. A reported
 *    outcome stays as it is: a deployment that `succeeded` did reach the environment (its
 *    commits arrived there), and the rollback that names it is what marks it a failed change
 *    and ends its recovery.
 *
 * Deployments are ordered by their start (else their ledger time), then id, so the result
 * depends only on the set of deployments, never on the order their events arrived in.
 */

/** A deployment of one entity and environment, as its own events report it. */
export type ReportedDeployment = {
  id: string;
  status: string;
  intent: string;
  startedAt: number | null;
  sortTime: number;
  artifactDigest: string | null;
  version: string | null;
  commitSha: string | null;
  rollbackOf: string | null;
};

/** What the rule changes on one deployment; fields left out stay as reported. */
export type RollbackRuleEffect = {
  rollbackOf?: string;
  artifactDigest?: string;
  version?: string;
  commitSha?: string;
  /** The deployment that first shipped the restored artifact to this environment. */
  restoredFrom?: string;
  status?: 'rolled-back';
};

type Shipped = Pick<
  ReportedDeployment,
  'artifactDigest' | 'version' | 'commitSha'
>;

const startOf = (d: ReportedDeployment) => d.startedAt ?? d.sortTime;

function chronological(a: ReportedDeployment, b: ReportedDeployment): number {
  if (startOf(a) !== startOf(b)) return startOf(a) - startOf(b);
  if (a.id === b.id) return 0;
  return a.id < b.id ? -1 : 1;
}

/** Applies the rule to every deployment of one entity and environment. */
export function applyRollbackRule(
  deployments: ReportedDeployment[],
): Map<string, RollbackRuleEffect> {
  const sorted = [...deployments].sort(chronological);
  const position = new Map(sorted.map((d, i) => [d.id, i]));
  const effects = new Map<string, RollbackRuleEffect>();
  const effect = (id: string) => {
    const found = effects.get(id) ?? {};
    effects.set(id, found);
    return found;
  };

  // 1. What each rollback undoes: this depends on reported facts only.
  const undoes = new Map<string, ReportedDeployment>();
  sorted.forEach((rollback, index) => {
    if (rollback.intent !== 'rollback') return;
    if (rollback.rollbackOf) {
      const named = sorted[position.get(rollback.rollbackOf) ?? -1];
      if (named && named.id !== rollback.id) undoes.set(rollback.id, named);
      return;
    }
    for (let i = index - 1; i >= 0; i--) {
      const candidate = sorted[i];
      if (candidate.intent === 'rollback' || candidate.status === 'cancelled')
        continue;
      undoes.set(rollback.id, candidate);
      effect(rollback.id).rollbackOf = candidate.id;
      return;
    }
  });
  const undone = new Set([...undoes.values()].map(d => d.id));

  // 2. What each rollback restores, in order, so that earlier rollbacks are complete first.
  const shipped = new Map<string, Shipped>(sorted.map(d => [d.id, d]));
  const origin = new Map<string, string>();
  sorted.forEach((rollback, index) => {
    const target = undoes.get(rollback.id);
    if (!target) return;
    const before = Math.min(position.get(target.id)!, index);
    let previous: ReportedDeployment | undefined;
    for (let i = before - 1; i >= 0 && !previous; i--) {
      const candidate = sorted[i];
      if (candidate.status === 'succeeded' && !undone.has(candidate.id))
        previous = candidate;
    }
    if (!previous) return;
    const restored = shipped.get(previous.id)!;
    if (
      rollback.artifactDigest &&
      rollback.artifactDigest !== restored.artifactDigest
    )
      return;
    const fill: RollbackRuleEffect = {};
    if (!rollback.artifactDigest && restored.artifactDigest)
      fill.artifactDigest = restored.artifactDigest;
    if (!rollback.version && restored.version) fill.version = restored.version;
    if (!rollback.commitSha && restored.commitSha)
      fill.commitSha = restored.commitSha;
    const from = origin.get(previous.id) ?? previous.id;
    origin.set(rollback.id, from);
    Object.assign(effect(rollback.id), fill, { restoredFrom: from });
    shipped.set(rollback.id, {
      artifactDigest: rollback.artifactDigest ?? restored.artifactDigest,
      version: rollback.version ?? restored.version,
      commitSha: rollback.commitSha ?? restored.commitSha,
    });
  });

  // 3. The undone deployment's outcome, once a rollback of it succeeded.
  for (const [rollbackId, target] of undoes) {
    const rollback = sorted[position.get(rollbackId)!];
    if (rollback.status !== 'succeeded') continue;
    if (target.status === 'started') effect(target.id).status = 'rolled-back';
  }
  return effects;
}
