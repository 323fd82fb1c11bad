import { DateTime, IANAZone } from 'luxon';
import { ChangeClass } from './classes';

/** @public */
export const WEEKDAYS = [
  'mon',
  'tue',
  'wed',
  'thu',
  'fri',
  'sat',
  'sun',
] as const;

/** @public */
export type Weekday = (typeof WEEKDAYS)[number];

/**
 * A weekly window in wall-clock time: it opens on each of `days` at `start` and closes at `end`
 * (exclusive). When `end` is not after `start` the window crosses midnight and closes on the
 * next day; `days` are always the days it opens on.
 *
 * @public
 */
export type WeeklyWindow = { days: Weekday[]; start: string; end: string };

/**
 * When changes of some classes may go to some environments. A change matched by several rules
 * must be inside all of their windows at once; a change matched by none may ship any time.
 *
 * @public
 */
export type ChangeWindowRule = {
  name: string;
  /** Classes the rule applies to; empty or absent: every class. */
  classes?: ChangeClass[];
  /** Environments the rule applies to; empty or absent: every environment. */
  environments?: string[];
  windows: WeeklyWindow[];
  /** Overrides the team's time zone for this rule (IANA name). */
  timeZone?: string;
};

/**
 * A period in which nothing in scope ships, from `from` (inclusive) to `until` (exclusive).
 *
 * @public
 */
export type Freeze = {
  name: string;
  from: number;
  until: number;
  reason?: string;
  environments?: string[];
  classes?: ChangeClass[];
};

/** What a change class needs from its rollout. @public */
export type RolloutConstraint = {
  strategy: 'canary' | 'blue-green' | 'any';
  minSoakMinutes?: number;
};

/** @public */
export function describeRolloutConstraint(c: RolloutConstraint): string {
  const strategy = c.strategy === 'any' ? 'any rollout strategy' : c.strategy;
  return c.minSoakMinutes
    ? `${strategy} with at least ${c.minSoakMinutes} minutes of soak`
    : strategy;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** @public */
export function isValidTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/** Problems with a window, each naming the field; empty when it is valid. @public */
export function windowProblems(w: WeeklyWindow, path: string): string[] {
  const problems: string[] = [];
  if (!Array.isArray(w.days) || w.days.length === 0)
    problems.push(`${path}.days: at least one day`);
  for (const d of w.days ?? []) {
    if (!(WEEKDAYS as readonly string[]).includes(d)) {
      problems.push(
        `${path}.days: "${d}" is not one of ${WEEKDAYS.join(', ')}`,
      );
    }
  }
  if (!HHMM.test(w.start))
    problems.push(`${path}.start: "${w.start}" is not HH:MM`);
  if (!HHMM.test(w.end)) problems.push(`${path}.end: "${w.end}" is not HH:MM`);
  if (w.start === w.end) problems.push(`${path}: start and end are equal`);
  return problems;
}

const minutesOf = (hhmm: string) => {
  const m = HHMM.exec(hhmm)!;
  return Number(m[1]) * 60 + Number(m[2]);
};
const DAY = 24 * 60;
const WEEK = 7 * DAY;

/** The wall-clock minute of the week (Monday 00:00 = 0) of an instant in a zone. */
function minuteOfWeek(at: number, timeZone: string): number {
  const t = DateTime.fromMillis(at, { zone: timeZone });
  return (t.weekday - 1) * DAY + t.hour * 60 + t.minute;
}

/**
 * Whether the wall clock in `timeZone` at `at` is inside one of the windows. Wall-clock
 * semantics: on a spring-forward night the skipped hour never happens, so a window inside it
 * does not open; on a fall-back night the repeated hour is inside a window both times.
 *
 * @public
 */
export function isWithinWindow(
  windows: WeeklyWindow[],
  at: number,
  timeZone: string,
): boolean {
  const now = minuteOfWeek(at, timeZone);
  for (const w of windows) {
    const start = minutesOf(w.start);
    let length = minutesOf(w.end) - start;
    if (length <= 0) length += DAY;
    for (const day of w.days) {
      const open = WEEKDAYS.indexOf(day) * DAY + start;
      // Distance from the opening to now, going forward around the week.
      const since = (((now - open) % WEEK) + WEEK) % WEEK;
      if (since < length) return true;
    }
  }
  return false;
}

const MINUTE = 60_000;

/**
 * The first instant at or after `at` that is inside one of the windows, or null when none opens
 * within `horizonDays`. Window openings are exact to the minute (instants are floored to the
 * minute before searching forward).
 *
 * @public
 */
export function nextWindowOpening(
  windows: WeeklyWindow[],
  at: number,
  timeZone: string,
  horizonDays = 15,
): number | null {
  if (isWithinWindow(windows, at, timeZone)) return at;
  const start = DateTime.fromMillis(at, { zone: timeZone });
  let best: number | null = null;
  for (let d = 0; d <= horizonDays; d++) {
    const day = start.plus({ days: d });
    const weekday = WEEKDAYS[day.weekday - 1];
    for (const w of windows) {
      if (!w.days.includes(weekday)) continue;
      const m = minutesOf(w.start);
      const wanted = DateTime.fromObject(
        {
          year: day.year,
          month: day.month,
          day: day.day,
          hour: Math.floor(m / 60),
          minute: m % 60,
        },
        { zone: timeZone },
      ).toMillis();
      // When the opening time does not exist (a spring-forward gap), the wall clock jumps into
      // the window at the end of the gap: search back to the first minute inside it.
      let candidate = wanted;
      let lo = wanted - 3 * 60 * MINUTE;
      if (
        isWithinWindow(windows, candidate, timeZone) &&
        !isWithinWindow(windows, candidate - MINUTE, timeZone)
      ) {
        // exact opening
      } else if (isWithinWindow(windows, candidate, timeZone)) {
        let hi = candidate;
        lo = Math.max(lo, at);
        while (hi - lo > MINUTE) {
          const mid = lo + Math.floor((hi - lo) / MINUTE / 2) * MINUTE;
          if (isWithinWindow(windows, mid, timeZone)) hi = mid;
          else lo = mid;
        }
        candidate = hi;
      } else {
        continue;
      }
      if (candidate > at && (best === null || candidate < best))
        best = candidate;
    }
    if (best !== null) return best;
  }
  return best;
}

/** @public */
export type WindowEvaluation = {
  allowed: boolean;
  /** Why not, in words; empty when allowed. */
  reasons: string[];
  /** The first instant at or after the request at which the change may ship; null: none found. */
  nextAllowedAt: number | null;
  /** Rules that applied to the change. */
  rules: Array<{ name: string; timeZone: string; open: boolean }>;
  /** Freezes in force at the time asked. */
  freezes: Array<{ name: string; until: number; reason?: string }>;
};

function applies<
  T extends { classes?: ChangeClass[]; environments?: string[] },
>(rule: T, classes: ChangeClass[], environment: string): boolean {
  const envOk =
    !rule.environments?.length || rule.environments.includes(environment);
  const classOk =
    !rule.classes?.length || rule.classes.some(c => classes.includes(c));
  return envOk && classOk;
}

/**
 * Whether a change of `classes` may go to `environment` at `at`, and when it next may:
 * inside every applicable rule's windows (in the rule's time zone, else `timeZone`), and in no
 * applicable freeze.
 *
 * @public
 */
export function evaluateChangeWindows(options: {
  rules: ChangeWindowRule[];
  freezes: Freeze[];
  classes: ChangeClass[];
  environment: string;
  timeZone: string;
  at: number;
  /** How far ahead to look for the next allowed time; default 400 days. */
  horizonDays?: number;
}): WindowEvaluation {
  const { classes, environment, at } = options;
  const rules = options.rules
    .filter(r => applies(r, classes, environment))
    .map(r => ({ rule: r, zone: r.timeZone ?? options.timeZone }));
  const freezes = options.freezes.filter(f => applies(f, classes, environment));
  const inForce = (t: number) =>
    freezes.filter(f => f.from <= t && t < f.until);

  const activeFreezes = inForce(at);
  const ruleStates = rules.map(r => ({
    name: r.rule.name,
    timeZone: r.zone,
    open: isWithinWindow(r.rule.windows, at, r.zone),
  }));
  const reasons: string[] = [
    ...activeFreezes.map(
      f =>
        `freeze "${f.name}" until ${new Date(f.until).toISOString()}${
          f.reason ? `: ${f.reason}` : ''
        }`,
    ),
    ...ruleStates
      .filter(r => !r.open)
      .map(r => {
        const rule = rules.find(x => x.rule.name === r.name)!.rule;
        const spans = rule.windows
          .map(w => `${w.days.join(',')} ${w.start}-${w.end}`)
          .join('; ');
        return `outside change window "${r.name}" (${spans} ${r.timeZone})`;
      }),
  ];

  // Move forward until no freeze holds and every window is open at once.
  const limit = at + (options.horizonDays ?? 400) * DAY * MINUTE;
  let t = at;
  let next: number | null = null;
  for (let i = 0; i < 2000 && t <= limit; i++) {
    const frozen = inForce(t);
    if (frozen.length > 0) {
      t = Math.max(...frozen.map(f => f.until));
      continue;
    }
    let moved = false;
    let stuck = false;
    for (const r of rules) {
      const opening = nextWindowOpening(r.rule.windows, t, r.zone);
      if (opening === null) {
        stuck = true;
        break;
      }
      if (opening > t) {
        t = opening;
        moved = true;
      }
    }
    if (stuck) break;
    if (!moved) {
      next = t;
      break;
    }
  }

  return {
    allowed: reasons.length === 0,
    reasons,
    nextAllowedAt: next,
    rules: ruleStates,
    freezes: activeFreezes.map(f => ({
      name: f.name,
      until: f.until,
      ...(f.reason ? { reason: f.reason } : {}),
    })),
  };
}
