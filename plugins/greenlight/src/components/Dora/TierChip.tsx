import type { DoraTierRating } from '@greenlight/backstage-plugin-greenlight-common';
import { TIER_LABELS } from '../../lib/doraMetrics';
import { Tone, ToneChip } from '../common';

const TONES: Record<DoraTierRating, Tone> = {
  elite: 'good',
  high: 'info',
  medium: 'warn',
  low: 'bad',
  'insufficient-data': 'neutral',
  'not-benchmarked': 'neutral',
};

const HINTS: Partial<Record<DoraTierRating, string>> = {
  'insufficient-data': 'Too few samples in this window for a performance level to mean anything.',
  'not-benchmarked': 'The DORA report publishes no performance levels for this metric.',
};

export function TierChip(props: { tier: DoraTierRating; metric: string; reportYear?: number }) {
  const label = TIER_LABELS[props.tier] ?? props.tier;
  const source = props.reportYear ? `Performance level from the ${props.reportYear} DORA report.` : undefined;
  return (
    <ToneChip
      label={label}
      tone={TONES[props.tier] ?? 'neutral'}
      ariaLabel={`${props.metric}: ${label}`}
      tooltip={HINTS[props.tier] ?? source}
    />
  );
}
