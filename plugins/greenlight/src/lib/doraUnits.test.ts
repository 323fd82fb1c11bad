import { DORA_METRICS, metricScale } from './doraMetrics';
import { chooseScale, formatAmount, MetricQuantity } from './doraUnits';

const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A row as the review shows it: this window, the previous one and the change. */
function row(quantity: MetricQuantity, current: number, previous: number) {
  const scale = chooseScale(quantity, [current, previous], 'row');
  return [
    scale.format(current),
    scale.format(previous),
    scale.formatChange(current - previous),
  ];
}

describe('a row reads in one unit, the largest in which its smallest value reads 1 or more', () => {
  it.each([
    // 0.5 a day reads 3.5 a week: the whole row, change included, is per week.
    ['frequency', 0.5, 1, ['3.5 / week', '7 / week', '-3.5 / week']],
    ['frequency', 1, 0.5, ['7 / week', '3.5 / week', '+3.5 / week']],
    // Was "2.3 / day", "5.1 / week" and "+1.5 / day".
    ['frequency', 2.3, 5.1 / 7, ['16 / week', '5.1 / week', '+11 / week']],
    // Was "3 / day" with a change of "+1.1 / week": a small change stays in its row's unit.
    ['frequency', 3, 3 - 1.1 / 7, ['3 / day', '2.8 / day', '+0.16 / day']],
    ['frequency', 0.1, 0.05, ['3 / month', '1.5 / month', '+1.5 / month']],
    ['frequency', 0, 2, ['0 / day', '2 / day', '-2 / day']],
    // Was "19 h 11 min", "18 h 4 min" and "+1 h 7 min".
    [
      'duration',
      19 * HOUR + 11 * MIN,
      18 * HOUR + 4 * MIN,
      ['19 h', '18 h', '+1.1 h'],
    ],
    [
      'duration',
      2 * DAY + 4 * HOUR,
      3 * HOUR + 20 * MIN,
      ['52 h', '3.3 h', '+49 h'],
    ],
    ['duration', 45_000, 2 * HOUR, ['45 s', '7,200 s', '-7,155 s']],
    ['duration', 6 * MIN, 6 * MIN, ['6 min', '6 min', '0 min']],
    ['ratio', 0.06, 0.044, ['6.0%', '4.4%', '+1.6 pts']],
  ] as Array<[MetricQuantity, number, number, string[]]>)(
    '%s %p and %p read %p',
    (quantity, current, previous, expected) => {
      expect(row(quantity, current, previous)).toEqual(expected);
    },
  );

  it('leaves missing values out of the choice', () => {
    const scale = chooseScale('frequency', [null, 0.5, undefined], 'row');
    expect([scale.format(null), scale.format(0.5)]).toEqual([
      '—',
      '3.5 / week',
    ]);
  });
});

describe('an axis reads in one unit, the largest in which its largest value reads 1 or more', () => {
  it.each([
    // Was ticked "3.8/day … 6.6/week … 0/day".
    ['frequency', [3.8, 0.94, 0], 'per day', '/ day', [3.8, 0.94, 0]],
    ['frequency', [0.4, 0.5, 0.6], 'per week', '/ week', [2.8, 3.5, 4.2]],
    ['frequency', [0.01, 0.02], 'per month', '/ month', [0.3, 0.6]],
    ['frequency', [0, 0], 'per day', '/ day', [0, 0]],
    [
      'duration',
      [20 * MIN, 3 * HOUR, 2 * DAY],
      'days',
      'd',
      [0.0139, 0.125, 2],
    ],
    ['duration', [90_000, 20 * MIN], 'minutes', 'min', [1.5, 20]],
    ['duration', [0], 'minutes', 'min', [0]],
    ['ratio', [0, 0.2], '%', '%', [0, 20]],
  ] as Array<[MetricQuantity, number[], string, string, number[]]>)(
    '%s %p: label %p, values in %p',
    (quantity, values, axisLabel, symbol, converted) => {
      const scale = chooseScale(quantity, values, 'axis');
      expect(scale.axisLabel).toBe(axisLabel);
      expect(scale.symbol).toBe(symbol);
      values.forEach((v, i) =>
        expect(scale.convert(v)).toBeCloseTo(converted[i], 3),
      );
    },
  );
});

describe('formatAmount', () => {
  it.each([
    [0, '0'],
    [0.04, '0.04'],
    [0.157, '0.16'],
    [-0.004, '-0.004'],
    [1.75, '1.8'],
    [3, '3'],
    [9.96, '10'],
    [16.1, '16'],
    [-3.5, '-3.5'],
    [1234.5, '1,235'],
  ])('%p reads %p', (value, expected) => {
    expect(formatAmount(value)).toBe(expected);
  });
});

it('gives each DORA metric the units of what it measures', () => {
  const scales = Object.fromEntries(
    DORA_METRICS.map(d => [d.key, metricScale(d, [1], 'row').symbol]),
  );
  expect(scales).toEqual({
    deploymentFrequency: '/ day',
    changeLeadTime: 'ms',
    changeFailRate: '%',
    failedDeploymentRecoveryTime: 'ms',
    deploymentReworkRate: '%',
  });
});
