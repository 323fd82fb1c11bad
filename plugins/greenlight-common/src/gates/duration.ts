const unitSeconds: Record<string, number> = {
  ms: 0.001,
  s: 1,
  m: 60,
  h: 3600,
  d: 86400,
  w: 7 * 86400,
  y: 365 * 86400,
};

/** OpenSLO calendar units; as rolling lengths they are approximations. */
const calendarSeconds: Record<string, number> = {
  M: 30 * 86400,
  Q: 90 * 86400,
  Y: 365 * 86400,
};

const prometheusDuration = /^(?:\d+(?:ms|[smhdwy]))+$/;

/**
 * Parses a Prometheus duration such as `30s`, `5m` or `1h30m` into seconds,
 * plus the OpenSLO calendar shorthands `1M`, `1Q` and `1Y` (30, 90 and 365 days).
 * Returns undefined for anything else, including zero.
 *
 * @public
 */
export function parseDurationSeconds(text: string): number | undefined {
  const trimmed = text.trim();
  const calendar = /^(\d+)([MQY])$/.exec(trimmed);
  if (calendar) {
    const seconds = Number(calendar[1]) * calendarSeconds[calendar[2]];
    return seconds > 0 ? seconds : undefined;
  }
  if (!prometheusDuration.test(trimmed)) return undefined;
  let seconds = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d+)(ms|[smhdwy])/g)) {
    seconds += Number(amount) * unitSeconds[unit];
  }
  return seconds > 0 ? seconds : undefined;
}

/**
 * Formats seconds as a compound Prometheus duration, e.g. 3900 → `1h5m`, rounded to
 * whole seconds and at least `1s` because a zero range selector is invalid PromQL.
 *
 * @public
 */
export function formatDuration(seconds: number): string {
  let rest = Math.max(1, Math.round(seconds));
  let text = '';
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    const amount = Math.floor(rest / size);
    if (amount > 0) {
      text += `${amount}${unit}`;
      rest -= amount * size;
    }
  }
  return text;
}
