import {
  gateComparators,
  isEvidenceUnit,
  type GateEvaluation,
  type GateEvaluationView,
} from '@greenlight/backstage-plugin-greenlight-common';

/**
 * What an evaluation compared, kept in its stored evidence so that the portal can say it in
 * words from the numbers. The value column holds finite numbers only; an infinite value
 * (a latency quantile above every histogram bucket) is kept here as text.
 */
export type EvaluationMeasure = Pick<
  GateEvaluationView,
  'comparator' | 'unit' | 'nonFiniteValue'
>;

export function measureOf(evaluation: GateEvaluation): EvaluationMeasure {
  const { value, comparator, unit } = evaluation;
  return {
    ...(comparator ? { comparator } : {}),
    ...(unit ? { unit } : {}),
    ...(value === Infinity || value === -Infinity
      ? { nonFiniteValue: value > 0 ? 'Infinity' : '-Infinity' }
      : {}),
  };
}

/** The measure of a stored evaluation; rows written before measures were kept have none. */
export function storedMeasure(evidence: unknown): EvaluationMeasure {
  const measure = (evidence as { measure?: Record<string, unknown> } | null)
    ?.measure;
  if (!measure) return {};
  const { comparator, unit, nonFiniteValue } = measure;
  return {
    ...((gateComparators as readonly unknown[]).includes(comparator)
      ? { comparator: comparator as EvaluationMeasure['comparator'] }
      : {}),
    ...(isEvidenceUnit(unit) ? { unit } : {}),
    ...(nonFiniteValue === 'Infinity' || nonFiniteValue === '-Infinity'
      ? { nonFiniteValue }
      : {}),
  };
}
