import { RolloutView } from '../../api';
import { rollbackReason } from '../../lib/gateEvidence';

/** A rollout that finished, as one sentence: what happened, when, and why. */
export function rolloutOutcome(rollout: RolloutView): string | null {
  const at = (iso: string) => new Date(iso).toLocaleTimeString();
  switch (rollout.state) {
    case 'rolled-back': {
      const when = at(rollout.rollback?.executedAt ?? rollout.updatedAt);
      const reason = rollbackReason(rollout);
      if (rollout.rollback?.status === 'failed') {
        return `Rollback failed at ${when}${
          rollout.rollback.lastError ? `: ${rollout.rollback.lastError}` : ''
        }`;
      }
      if (rollout.rollback?.status === 'pending')
        return `Rolling back since ${when}${reason ? `: ${reason}` : ''}`;
      return `Rolled back at ${when}${reason ? `: ${reason}` : ''}`;
    }
    case 'promoted':
      return `Promoted at ${at(rollout.updatedAt)}`;
    case 'aborted':
      return `Aborted at ${at(rollout.updatedAt)}`;
    default:
      return null;
  }
}
