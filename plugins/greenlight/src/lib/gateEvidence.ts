import {
  gateComparators,
  formatGateThreshold,
  formatGateValue,
  gateEvidenceSentence,
} from '@greenlight/backstage-plugin-greenlight-common';
import type { GateEvaluationView, RolloutView } from '../api';
import { readableReason } from './format';

/** What the portal needs of an evaluation to say its evidence. */
export type EvaluationEvidence = Pick<
  GateEvaluationView,
  | 'value'
  | 'threshold'
  | 'comparator'
  | 'unit'
  | 'nonFiniteValue'
  | 'verdict'
  | 'reason'
>;

/** The measured value, with the infinities JSON cannot carry put back. */
export function measuredValue(e: EvaluationEvidence): number | null {
  return e.nonFiniteValue ? Number(e.nonFiniteValue) : e.value;
}

/**
 * An evaluation's evidence as a sentence, said from its numbers ("8.3% is above the 2%
 * limit"); for older rows and gates that compare no threshold, its stored reason.
 */
export function evidenceSentence(e: EvaluationEvidence): string {
  // A comparison this portal does not know (a newer backend's) is left to the stored reason.
  if (!e.comparator || !gateComparators.includes(e.comparator)) {
    return readableReason(e.reason);
  }
  return gateEvidenceSentence({
    value: measuredValue(e),
    threshold: e.threshold,
    comparator: e.comparator,
    unit: e.unit,
    verdict: e.verdict,
  });
}

/** The value in its unit; rows without one are rounded the same way, as bare numbers. */
export function formatEvaluationValue(e: EvaluationEvidence): string {
  const value = measuredValue(e);
  return value === null ? '—' : formatGateValue(value, e.unit);
}

export function formatEvaluationThreshold(e: EvaluationEvidence): string {
  return e.threshold === null ? '—' : formatGateThreshold(e.threshold, e.unit);
}

/**
 * Why the rollout was rolled back, with what the failing gates last measured. The watcher
 * writes that into the reason itself, in the same words, naming only the gates that tripped;
 * reasons stored before it did get the failing evaluations of the deciding round here.
 */
export function rollbackReason(
  rollout: Pick<RolloutView, 'rollback' | 'evaluations'>,
): string | null {
  const reason = rollout.rollback?.reason;
  if (!reason) return null;
  const failing = rollout.evaluations
    .filter(
      e =>
        e.decision === 'rollback' &&
        e.verdict === 'fail' &&
        !e.shadow &&
        e.comparator,
    )
    .map(e => ({ gateId: e.gateId, sentence: evidenceSentence(e) }));
  const alreadySaid = failing.some(s => reason.includes(s.sentence));
  if (failing.length === 0 || alreadySaid) return readableReason(reason);
  const evidence =
    failing.length === 1
      ? failing[0].sentence
      : failing.map(s => `${s.gateId}: ${s.sentence}`).join('; ');
  return `${readableReason(reason)} (last: ${evidence})`;
}
