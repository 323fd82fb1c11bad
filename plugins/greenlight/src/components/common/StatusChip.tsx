import { Tone, ToneChip } from './ToneChip';

const TONES: Record<string, Tone> = {
  succeeded: 'good',
  pass: 'good',
  passed: 'good',
  promoted: 'good',
  promote: 'good',
  verified: 'good',
  failed: 'bad',
  fail: 'bad',
  error: 'bad',
  'rolled-back': 'bad',
  rollback: 'bad',
  invalid: 'bad',
  aborted: 'bad',
  started: 'info',
  analysing: 'info',
  pending: 'info',
  continue: 'neutral',
  cancelled: 'neutral',
  skipped: 'neutral',
  paused: 'warn',
  'paused-inconclusive': 'warn',
  'pause-inconclusive': 'warn',
  inconclusive: 'warn',
  underpowered: 'warn',
  'no-data': 'warn',
};

/** An API status word as people read it: `rolled-back` is "Rolled back". */
export const statusLabel = (value: string) => {
  const text = value.replace(/-/g, ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
};

/** A status word from the API, shown as text with a matching colour. */
export function StatusChip(props: { status: string; prefix?: string }) {
  const label = statusLabel(props.status);
  return (
    <ToneChip
      label={label}
      tone={TONES[props.status] ?? 'neutral'}
      ariaLabel={props.prefix ? `${props.prefix}: ${label}` : label}
    />
  );
}
