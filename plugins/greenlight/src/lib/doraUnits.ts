import { FrequencyUnit, frequencyUnit } from './format';

/*
 * Numbers that are compared must be read in one unit: a row of the DORA review (this window,
 * the previous one and the change) and the ticks of a chart's axis never mix "/ day" with
 * "/ week", or minutes with hours. Each picks its unit once, from its own values:
 * - a row takes the largest unit in which its smallest non-zero value still reads 1 or more,
 *   so no value of the row shrinks to "0" (0.5 and 3 a day read 3.5 and 21 a week);
 * - an axis takes the largest unit in which its largest value reads 1 or more, so the ticks
 *   from 0 to the top are short numbers (up to 3.8 a day reads 0 … 3.8 / day).
 * The change of a row is left out of the choice: it is read in its values' unit, however small.
 */

/** One unit to show a metric's values in. */
export type UnitScale = {
  /** The unit as written after a number: "/ week", "h", "%". */
  symbol: string;
  /** The unit for an axis label: "per week", "hours", "%". */
  axisLabel: string;
  /** A value of the metric (per day, milliseconds or a ratio) in this unit. */
  convert(value: number): number;
  /** "3.5 / week", "52 h", "12.5%"; "—" when there is no value. */
  format(value: number | null | undefined): string;
  /** A signed change in the unit: "+1.1 / week", "-49 h", "+1.6 pts". */
  formatChange(change: number): string;
};

/** Which kind of quantity a DORA metric is, and so which units it can be shown in. */
export type MetricQuantity = 'frequency' | 'duration' | 'ratio';

export type UnitChoice = 'row' | 'axis';

const DASH = '—';
const PER_DAY: Record<FrequencyUnit, number> = { day: 1, week: 7, month: 30 };

export type DurationUnit = 'ms' | 's' | 'min' | 'h' | 'd';
const DURATION_MS: Array<[DurationUnit, number, string]> = [
  ['d', 86_400_000, 'days'],
  ['h', 3_600_000, 'hours'],
  ['min', 60_000, 'minutes'],
  ['s', 1000, 'seconds'],
  ['ms', 1, 'milliseconds'],
];

/** A number in its unit: whole from 10 up, one decimal from 1, two significant digits below. */
export function formatAmount(value: number): string {
  const magnitude = Math.abs(value);
  let digits: number;
  if (magnitude >= 10 || magnitude === 0) digits = 0;
  else if (magnitude >= 1) digits = 1;
  else digits = Math.max(1, 1 - Math.floor(Math.log10(magnitude)));
  // Rounded first so that "-0.04" does not become "-0" and 9.96 reads 10, not 10.0.
  const rounded = Number(value.toFixed(digits));
  return (rounded === 0 ? 0 : rounded).toLocaleString('en-US', {
    maximumFractionDigits: digits,
  });
}

const signed = (text: string, value: number) => (value > 0 ? `+${text}` : text);
const known = (value: number | null | undefined): value is number =>
  value !== null && value !== undefined && Number.isFinite(value);

function magnitudes(values: Array<number | null | undefined>): number[] {
  return values
    .filter(known)
    .map(Math.abs)
    .filter(v => v > 0);
}

/** The magnitude that decides the unit: the smallest for a row, the largest for an axis. */
function deciding(
  values: Array<number | null | undefined>,
  choice: UnitChoice,
): number {
  const present = magnitudes(values);
  if (present.length === 0) return 0;
  return choice === 'row' ? Math.min(...present) : Math.max(...present);
}

export function frequencyScale(unit: FrequencyUnit): UnitScale {
  const convert = (perDay: number) => perDay * PER_DAY[unit];
  return {
    symbol: `/ ${unit}`,
    axisLabel: `per ${unit}`,
    convert,
    format: v => (known(v) ? `${formatAmount(convert(v))} / ${unit}` : DASH),
    formatChange: c => signed(`${formatAmount(convert(c))} / ${unit}`, c),
  };
}

/** The largest unit in which the duration reads 1 or more (milliseconds below a second). */
export function durationUnit(ms: number): DurationUnit {
  const magnitude = Math.abs(ms);
  return (DURATION_MS.find(([, size]) => magnitude >= size) ??
    DURATION_MS[DURATION_MS.length - 1])[0];
}

export function durationScale(unit: DurationUnit): UnitScale {
  const [, size, name] = DURATION_MS.find(([u]) => u === unit)!;
  const convert = (ms: number) => ms / size;
  return {
    symbol: unit,
    axisLabel: name,
    convert,
    format: v => (known(v) ? `${formatAmount(convert(v))} ${unit}` : DASH),
    formatChange: c => signed(`${formatAmount(convert(c))} ${unit}`, c),
  };
}

/** Rates are percentages, and a change between two of them is in percentage points. */
export const RATIO_SCALE: UnitScale = {
  symbol: '%',
  axisLabel: '%',
  convert: ratio => ratio * 100,
  format: v => (known(v) ? `${(v * 100).toFixed(1)}%` : DASH),
  formatChange: c => signed(`${(c * 100).toFixed(1)} pts`, c),
};

/** The one unit a row's or an axis's values of a quantity are all shown in. */
export function chooseScale(
  quantity: MetricQuantity,
  values: Array<number | null | undefined>,
  choice: UnitChoice,
): UnitScale {
  const magnitude = deciding(values, choice);
  switch (quantity) {
    case 'frequency':
      return frequencyScale(frequencyUnit(magnitude));
    case 'duration':
      // No value at all: minutes, the unit of a typical lead or recovery time.
      return durationScale(magnitude === 0 ? 'min' : durationUnit(magnitude));
    default:
      return RATIO_SCALE;
  }
}
