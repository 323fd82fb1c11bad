import { Config } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  ChangeClass,
  ChangeWindowRule,
  describeRolloutConstraint,
  evaluateChangeWindows,
  Freeze,
  isChangeClass,
  isValidTimeZone,
  ReadinessDecisionView,
  RolloutConstraint,
  WeeklyWindow,
  windowProblems,
} from '@greenlight/backstage-plugin-greenlight-common';
import { ownerOf } from './catalogScope';

export type ChangeWindowConfig = {
  defaultTimeZone: string;
  /** Lower-cased group ref to IANA zone. */
  teamTimeZones: Map<string, string>;
  rules: ChangeWindowRule[];
  freezes: Freeze[];
  rolloutConstraints: Partial<Record<ChangeClass, RolloutConstraint>>;
};

const PREFIX = 'greenlight.governance';

function classesAt(c: Config, path: string): ChangeClass[] | undefined {
  const classes = c.getOptionalStringArray('classes');
  for (const cls of classes ?? []) {
    if (!isChangeClass(cls))
      throw new Error(`Invalid ${path}.classes: unknown class "${cls}"`);
  }
  return classes as ChangeClass[] | undefined;
}

function zoneAt(zone: string, path: string): string {
  if (!isValidTimeZone(zone))
    throw new Error(`Invalid ${path}: "${zone}" is not an IANA time zone`);
  return zone;
}

/** Reads `greenlight.governance`; anything invalid stops the backend with the path named. */
export function readChangeWindowConfig(config: Config): ChangeWindowConfig {
  const root = config.getOptionalConfig(PREFIX);
  const defaultTimeZone = zoneAt(
    root?.getOptionalString('defaultTimeZone') ?? 'UTC',
    `${PREFIX}.defaultTimeZone`,
  );

  const teamTimeZones = new Map<string, string>();
  (root?.getOptionalConfigArray('teamTimeZones') ?? []).forEach((c, i) => {
    const zone = zoneAt(
      c.getString('timeZone'),
      `${PREFIX}.teamTimeZones[${i}].timeZone`,
    );
    teamTimeZones.set(c.getString('group').toLocaleLowerCase('en-US'), zone);
  });

  const rules: ChangeWindowRule[] = (
    root?.getOptionalConfigArray('windows') ?? []
  ).map((c, i) => {
    const path = `${PREFIX}.windows[${i}]`;
    const windows: WeeklyWindow[] = c.getConfigArray('open').map(w => ({
      days: w.getStringArray('days') as WeeklyWindow['days'],
      start: w.getString('start'),
      end: w.getString('end'),
    }));
    const problems = windows.flatMap((w, j) =>
      windowProblems(w, `${path}.open[${j}]`),
    );
    if (windows.length === 0)
      problems.push(`${path}.open: at least one window`);
    if (problems.length) throw new Error(`Invalid ${problems.join('; ')}`);
    const timeZone = c.getOptionalString('timeZone');
    return {
      name: c.getString('name'),
      classes: classesAt(c, path),
      environments: c.getOptionalStringArray('environments'),
      windows,
      ...(timeZone ? { timeZone: zoneAt(timeZone, `${path}.timeZone`) } : {}),
    };
  });

  const freezes: Freeze[] = (root?.getOptionalConfigArray('freezes') ?? []).map(
    (c, i) => {
      const path = `${PREFIX}.freezes[${i}]`;
      const instant = (key: string) => {
        const v = c.getString(key);
        const ms = Date.parse(v);
        if (!/(Z|[+-]\d\d:\d\d)$/.test(v) || Number.isNaN(ms)) {
          throw new Error(
            `Invalid ${path}.${key}: "${v}" is not an ISO 8601 instant with an offset`,
          );
        }
        return ms;
      };
      const from = instant('from');
      const until = instant('until');
      if (until <= from)
        throw new Error(`Invalid ${path}.until: must be after from`);
      const reason = c.getOptionalString('reason');
      return {
        name: c.getString('name'),
        from,
        until,
        ...(reason ? { reason } : {}),
        environments: c.getOptionalStringArray('environments'),
        classes: classesAt(c, path),
      };
    },
  );

  const rolloutConstraints: ChangeWindowConfig['rolloutConstraints'] = {};
  const constraints = root?.getOptionalConfig('rolloutConstraints');
  for (const key of constraints?.keys() ?? []) {
    const path = `${PREFIX}.rolloutConstraints.${key}`;
    if (!isChangeClass(key))
      throw new Error(`Invalid ${path}: unknown class "${key}"`);
    const c = constraints!.getConfig(key);
    const strategy = c.getString('strategy');
    if (!['canary', 'blue-green', 'any'].includes(strategy)) {
      throw new Error(
        `Invalid ${path}.strategy: "${strategy}" is not canary, blue-green or any`,
      );
    }
    const minSoakMinutes = c.getOptionalNumber('minSoakMinutes');
    if (minSoakMinutes !== undefined && !(minSoakMinutes >= 0)) {
      throw new Error(`Invalid ${path}.minSoakMinutes: must not be negative`);
    }
    rolloutConstraints[key] = {
      strategy: strategy as RolloutConstraint['strategy'],
      ...(minSoakMinutes !== undefined ? { minSoakMinutes } : {}),
    };
  }

  return { defaultTimeZone, teamTimeZones, rules, freezes, rolloutConstraints };
}

/** The owning team's zone (`greenlight.governance.teamTimeZones`), else the default. */
export function timeZoneOf(entity: Entity, config: ChangeWindowConfig): string {
  const owner = ownerOf(entity);
  return (owner && config.teamTimeZones.get(owner)) || config.defaultTimeZone;
}

export type WindowAnswer = NonNullable<ReadinessDecisionView['window']>;

export type RolloutConstraintView = RolloutConstraint & {
  class: ChangeClass;
  description: string;
};

export function evaluateWindowsFor(
  entity: Entity,
  config: ChangeWindowConfig,
  classes: ChangeClass[],
  environment: string,
  at: number,
): { window: WindowAnswer; rolloutConstraints: RolloutConstraintView[] } {
  const timeZone = timeZoneOf(entity, config);
  const result = evaluateChangeWindows({
    rules: config.rules,
    freezes: config.freezes,
    classes,
    environment,
    timeZone,
    at,
  });
  const rolloutConstraints = classes.flatMap(cls => {
    const c = config.rolloutConstraints[cls];
    return c
      ? [{ class: cls, ...c, description: describeRolloutConstraint(c) }]
      : [];
  });
  return {
    window: {
      allowed: result.allowed,
      reasons: result.reasons,
      nextAllowedAt:
        result.nextAllowedAt === null
          ? null
          : new Date(result.nextAllowedAt).toISOString(),
      timeZone,
      freezes: result.freezes.map(f => ({
        ...f,
        until: new Date(f.until).toISOString(),
      })),
      breakGlassId: null,
    },
    rolloutConstraints,
  };
}
