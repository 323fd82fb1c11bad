import { RolloutAction, RolloutView } from '../../api';
import { rollbackReason } from '../../lib/gateEvidence';
import { ACTION_TEXT } from './actions';

const at = (iso: string) => new Date(iso).toLocaleTimeString();

/** The watcher decided the rollout's last step when its last evaluation decided it. */
function watcherDecided(
  rollout: RolloutView,
  decision: 'rollback' | 'promote',
) {
  const last = rollout.evaluations[rollout.evaluations.length - 1];
  return last?.decision === decision;
}

/**
 * Why an action the reader began to confirm is no longer possible, because the rollout
 * moved on while the dialog was open (the watcher decided, or someone else acted), or
 * null while the action still applies. `current` is the rollout as last loaded;
 * undefined when it is no longer listed.
 */
export function overtakenBy(
  opened: RolloutView,
  current: RolloutView | undefined,
  action: RolloutAction,
): string | null {
  const noLonger = `your ${ACTION_TEXT[
    action
  ].label.toLowerCase()} is no longer needed`;
  if (!current) return `This rollout is no longer in progress; ${noLonger}.`;
  if (current.state === opened.state && current.allowedActions.includes(action))
    return null;
  switch (current.state) {
    case 'rolled-back': {
      const when = at(current.rollback?.executedAt ?? current.updatedAt);
      const said = rollbackReason(current);
      const reason = said ? ` (${said})` : '';
      return watcherDecided(current, 'rollback')
        ? `The watcher rolled this rollout back at ${when}${reason}; ${noLonger}.`
        : `This rollout was rolled back at ${when}${reason}; ${noLonger}.`;
    }
    case 'promoted':
      return watcherDecided(current, 'promote')
        ? `The watcher promoted this rollout at ${at(
            current.updatedAt,
          )}; ${noLonger}.`
        : `This rollout was promoted at ${at(current.updatedAt)}; ${noLonger}.`;
    case 'aborted':
      return `This rollout was aborted at ${at(
        current.updatedAt,
      )}; ${noLonger}.`;
    case 'paused':
    case 'paused-inconclusive':
    case 'analysing':
    default:
      return `This rollout changed at ${at(
        current.updatedAt,
      )} and is now ${current.state.replace('-', ' ')}; ${ACTION_TEXT[
        action
      ].label.toLowerCase()} is not possible any more.`;
  }
}
