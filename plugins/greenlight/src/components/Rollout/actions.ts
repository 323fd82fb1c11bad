import { RolloutAction } from '../../api';

type ActionText = {
  label: string;
  /** Fills "Could not … the rollout". */
  verb: string;
  consequence: string;
  reasonRequired: boolean;
  destructive: boolean;
};

/** The order buttons appear in, least drastic first. */
export const ACTION_ORDER: RolloutAction[] = ['pause', 'resume', 'promote', 'rollback', 'override'];

export const ACTION_TEXT: Record<RolloutAction, ActionText> = {
  pause: {
    label: 'Pause',
    verb: 'pause',
    consequence: 'Gate evaluations stop and traffic stays where it is until the rollout is resumed.',
    reasonRequired: false,
    destructive: false,
  },
  resume: {
    label: 'Resume',
    verb: 'resume',
    consequence: 'Gate evaluations start again from where the rollout was paused.',
    reasonRequired: false,
    destructive: false,
  },
  promote: {
    label: 'Promote',
    verb: 'promote',
    consequence: 'The new version takes all traffic now, without waiting for the remaining evaluations.',
    reasonRequired: false,
    destructive: false,
  },
  rollback: {
    label: 'Roll back',
    verb: 'roll back',
    consequence: 'The rollback executor restores the previous version; the release is recorded as rolled back.',
    reasonRequired: true,
    destructive: true,
  },
  override: {
    label: 'Override gate',
    verb: 'override the gates of',
    consequence: 'The failing gate verdicts are overridden and the rollout continues. This is written to the audit log.',
    reasonRequired: true,
    destructive: true,
  },
};
