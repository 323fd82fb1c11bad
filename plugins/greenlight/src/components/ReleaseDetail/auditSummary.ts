import { ReleaseDetail } from '../../api';
import { readableReason } from '../../lib/format';

type AuditEntry = ReleaseDetail['audit'][number];

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** `deployment.finished` → "deployment finished". */
const humanType = (type: string) => type.replace(/[._-]+/g, ' ');

function field(details: unknown, key: string): string | undefined {
  const value = (details as Record<string, unknown> | null | undefined)?.[key];
  if (typeof value === 'string' && value) return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

/** What is left of an entry's details once the summary said the rest, as "key: value" pairs. */
function remainingDetails(details: unknown, said: string[]): string {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object') return String(details);
  return Object.entries(details as Record<string, unknown>)
    .filter(
      ([key, value]) =>
        !said.includes(key) &&
        value !== null &&
        value !== undefined &&
        value !== '',
    )
    .map(([key, value]) => {
      if (Array.isArray(value))
        return `${key}: ${value
          .map(v => (typeof v === 'object' ? '…' : String(v)))
          .join(', ')}`;
      if (typeof value === 'object') return `${key}: …`;
      return `${key}: ${value}`;
    })
    .join(' · ');
}

/**
 * One audit entry as a sentence a person reads: what happened and why, not the stored JSON.
 * Known actions get their own words; for anything else the action and its plain details.
 */
export function auditSummary(entry: AuditEntry): string {
  const { action, details } = entry;
  const reason = field(details, 'reason');
  const because = reason ? `: ${readableReason(reason)}` : '';
  if (action.startsWith('event.')) {
    const source = field(details, 'source');
    return `${sentence(humanType(action.slice('event.'.length)))} reported${
      source ? ` through ${source}` : ''
    }`;
  }
  switch (action) {
    case 'rollout.started': {
      const gates = (details as { gates?: unknown })?.gates;
      const names = Array.isArray(gates) ? gates.join(', ') : '';
      return `Rollout started${names ? `, watched by ${names}` : ''}`;
    }
    case 'rollout.rolled-back':
      return `Rollout rolled back${because}`;
    case 'rollout.promoted':
      return `Rollout promoted${because}`;
    case 'rollout.paused':
    case 'rollout.paused-inconclusive':
      return `Rollout paused${because}`;
    case 'rollout.aborted':
      return `Rollout aborted${because}`;
    case 'rollout.rollback.succeeded': {
      const executor = field(details, 'executor');
      return `Rollback carried out${executor ? ` by ${executor}` : ''}`;
    }
    case 'rollout.rollback.failed': {
      const message = field(details, 'message');
      return `Rollback failed${message ? `: ${message}` : ''}`;
    }
    default: {
      const rest = remainingDetails(details, ['reason', 'rolloutId']);
      return [sentence(humanType(action)) + because, rest]
        .filter(Boolean)
        .join(' · ');
    }
  }
}
