import { PromotionStatus } from '../../api';
import { Tone, ToneChip } from './ToneChip';

const LOOK: Record<PromotionStatus, { label: string; tone: Tone; meaning: string }> = {
  promoted: {
    label: 'Promoted',
    tone: 'good',
    meaning: 'Runs the same digest that passed the previous environment.',
  },
  rebuilt: {
    label: 'Rebuilt',
    tone: 'bad',
    meaning: 'Runs a different digest than the previous environment: the artifact was rebuilt, not promoted.',
  },
  'skipped-stage': {
    label: 'Skipped stage',
    tone: 'warn',
    meaning: 'This digest never ran in the previous environment.',
  },
  'first-stage': {
    label: 'First stage',
    tone: 'neutral',
    meaning: 'The first environment of the promotion order: nothing to promote from.',
  },
};

/** Whether the environment runs the digest that passed the stage before it. */
export function PromotionChip(props: { promotion?: PromotionStatus }) {
  if (!props.promotion) return null;
  const look = LOOK[props.promotion];
  if (!look) return null;
  return (
    <ToneChip
      label={look.label}
      tone={look.tone}
      ariaLabel={`Promotion: ${look.label}`}
      tooltip={look.meaning}
    />
  );
}
