import type { Comparator, GateVerdict } from './types';
import { isEvidenceUnit, type EvidenceUnit } from './units';

/**
 * What a gate evaluation compared, as numbers: enough to say it in words.
 *
 * @public
 */
export interface GateEvidence {
  value: number | null;
  threshold: number | null;
  comparator: Comparator;
  /** Unknown units (from a newer backend) read as no unit. */
  unit?: EvidenceUnit | string;
  verdict?: GateVerdict;
}

// The sentences are English, so their numbers are written the English way wherever they are
// read (the portal, a notification, a webhook receiver's log).
const LOCALE = 'en-US';

function digits(options: Intl.NumberFormatOptions) {
  return new Intl.NumberFormat(LOCALE, options);
}

/**
 * A measured value rounded as people read it: from 100 up whole (1,235), from 1 one decimal
 * (8.3, 14.4), below 1 three significant digits (0.0828). `precision` overrides this with a
 * number of significant digits.
 */
function roundMeasured(value: number, precision?: number): string {
  if (precision !== undefined)
    return digits({ maximumSignificantDigits: precision }).format(value);
  const size = Math.abs(value);
  if (size >= 100) return digits({ maximumFractionDigits: 0 }).format(value);
  if (size >= 1) return digits({ maximumFractionDigits: 1 }).format(value);
  return digits({ maximumSignificantDigits: 3 }).format(value);
}

/** A threshold is written by a person, not measured: up to four significant digits of it stay. */
function roundWritten(value: number): string {
  return digits({ maximumSignificantDigits: 4 }).format(value);
}

/** The number in the unit it reads best in, and that unit's suffix. */
function scaled(
  value: number,
  unit: EvidenceUnit | undefined,
): [number, string] {
  switch (unit) {
    case 'ratio':
      return [value * 100, '%'];
    case 'percent':
      return [value, '%'];
    case 'seconds':
      return value !== 0 && Math.abs(value) < 1
        ? [value * 1000, ' ms']
        : [value, ' s'];
    case 'milliseconds':
      return Math.abs(value) >= 1000 ? [value / 1000, ' s'] : [value, ' ms'];
    case 'requestsPerSecond':
      return [value, ' req/s'];
    case 'burnRate':
      return [value, '×'];
    default:
      return [value, ''];
  }
}

function known(unit: string | undefined): EvidenceUnit | undefined {
  return isEvidenceUnit(unit) ? unit : undefined;
}

function nonFinite(value: number): string | undefined {
  if (Number.isNaN(value)) return 'no value';
  if (value === Infinity) return '∞ (above every bucket)';
  if (value === -Infinity) return '−∞ (below every bucket)';
  return undefined;
}

/**
 * A gate's measured value with its unit, e.g. `8.3%`, `412 ms`, `1,235 req/s`; see
 * docs/gates.md for the rounding rule.
 *
 * @public
 */
export function formatGateValue(
  value: number,
  unit?: EvidenceUnit | string,
  precision?: number,
): string {
  const special = nonFinite(value);
  if (special) return special;
  const [number, suffix] = scaled(value, known(unit));
  return `${roundMeasured(number, precision)}${suffix}`;
}

/**
 * A gate's threshold with its unit, e.g. `2%`, `500 ms`.
 *
 * @public
 */
export function formatGateThreshold(
  threshold: number,
  unit?: EvidenceUnit | string,
): string {
  const special = nonFinite(threshold);
  if (special) return special;
  const [number, suffix] = scaled(threshold, known(unit));
  return `${roundWritten(number)}${suffix}`;
}

/**
 * The value with as many digits as it takes not to read like the threshold it differs from:
 * 0.02004 against 0.02 reads "2.004%", not "2%".
 */
function distinctValue(value: number, threshold: number, unit?: string) {
  const limit = formatGateThreshold(threshold, unit);
  let text = formatGateValue(value, unit);
  for (let precision = 3; text === limit && value !== threshold; precision++) {
    text = formatGateValue(value, unit, precision);
    if (precision === 15) break;
  }
  return text;
}

const upperBound = (comparator: Comparator) =>
  comparator === '<' || comparator === '<=';

/**
 * A threshold gate's evidence as a sentence: "8.3% is above the 2% limit", "412 ms is within
 * the 500 ms limit", "99.2% is below the 99.5% minimum". An upper bound (`<`, `<=`) is a
 * limit, a lower bound (`>`, `>=`) a minimum. The words come from the numbers, so they hold
 * for any verdict; without a value the sentence says so.
 *
 * @public
 */
export function gateEvidenceSentence(evidence: GateEvidence): string {
  const { value, threshold, comparator } = evidence;
  const unit = known(evidence.unit);
  const bound = upperBound(comparator) ? 'limit' : 'minimum';
  if (threshold === null || Number.isNaN(threshold)) {
    return value === null ? 'no value' : formatGateValue(value, unit);
  }
  const limit = `the ${formatGateThreshold(threshold, unit)} ${bound}`;
  if (value === null || Number.isNaN(value)) {
    return `no value to compare with ${limit}`;
  }
  const shown = distinctValue(value, threshold, unit);
  if (value === threshold) {
    const strict = comparator === '<' || comparator === '>';
    const side = upperBound(comparator) ? 'below' : 'above';
    return strict
      ? `${shown} is at ${limit}, which it must stay ${side}`
      : `${shown} is at ${limit}`;
  }
  if (upperBound(comparator)) {
    return value < threshold
      ? `${shown} is within ${limit}`
      : `${shown} is above ${limit}`;
  }
  return value > threshold
    ? `${shown} is above ${limit}`
    : `${shown} is below ${limit}`;
}
