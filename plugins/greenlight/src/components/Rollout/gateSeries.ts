import { GateEvaluationView, RolloutView } from '../../api';

export type GatePoint = {
  t: number;
  value: number | null;
  threshold: number | null;
  /** What the evidence is said from; absent on rows written before it was kept. */
  comparator?: GateEvaluationView['comparator'];
  unit?: GateEvaluationView['unit'];
  nonFiniteValue?: GateEvaluationView['nonFiniteValue'];
  verdict: GateEvaluationView['verdict'];
  decision: GateEvaluationView['decision'];
  reason: string;
};

export type GateSeries = {
  id: string;
  kind: string;
  shadow: boolean;
  description?: string;
  points: GatePoint[];
  /** Evaluations after which the rollout did something other than continue. */
  decisions: GatePoint[];
};

/**
 * One series per gate, in the order the rollout declares its gates; gates that only
 * appear in evaluations (e.g. removed since) follow, so no evidence is hidden.
 */
export function gateSeries(rollout: Pick<RolloutView, 'gates' | 'evaluations'>): GateSeries[] {
  const declared = new Map(rollout.gates.map(g => [g.id, g]));
  const ids = [...rollout.gates.map(g => g.id)];
  for (const evaluation of rollout.evaluations) {
    if (!ids.includes(evaluation.gateId)) ids.push(evaluation.gateId);
  }
  return ids.map(id => {
    const evaluations = rollout.evaluations.filter(e => e.gateId === id);
    const points = evaluations
      .map(e => ({
        t: Date.parse(e.at),
        value: e.value,
        threshold: e.threshold,
        ...(e.comparator ? { comparator: e.comparator } : {}),
        ...(e.unit ? { unit: e.unit } : {}),
        ...(e.nonFiniteValue ? { nonFiniteValue: e.nonFiniteValue } : {}),
        verdict: e.verdict,
        decision: e.decision,
        reason: e.reason,
      }))
      .filter(p => Number.isFinite(p.t))
      .sort((a, b) => a.t - b.t);
    const gate = declared.get(id);
    return {
      id,
      kind: gate?.kind ?? evaluations[0]?.kind ?? 'unknown',
      shadow: gate?.shadow ?? evaluations[0]?.shadow ?? false,
      description: gate?.description,
      points,
      decisions: points.filter(p => p.decision !== 'continue'),
    };
  });
}

export function describeSeries(series: GateSeries): string {
  const failed = series.points.filter(p => p.verdict === 'fail').length;
  const decisions = series.decisions
    .map(d => `${d.decision} at ${new Date(d.t).toLocaleString()}`)
    .join(', ');
  return [
    `Gate ${series.id}: ${series.points.length} evaluation(s) of the measured value against its threshold`,
    `${failed} failed`,
    decisions ? `decisions: ${decisions}` : 'no decision yet',
  ].join('; ');
}
