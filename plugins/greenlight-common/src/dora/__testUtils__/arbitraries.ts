import fc from 'fast-check';
import { DoraDeployment, DoraIncident } from '../types';
import { DAY, HOUR, at } from './builders';

/** 2026-01-05, a Monday. */
export const EPOCH = at('2026-01-05T00:00');
export const SPAN_DAYS = 40;

const ENTITIES = [
  'component:default/a',
  'component:default/b',
  'component:default/c',
];
const PLACES = [
  { environment: 'prod-eu', tier: 'production' },
  { environment: 'prod-us', tier: 'production' },
  { environment: 'staging', tier: 'staging' },
] as const;

const time = fc.integer({ min: EPOCH, max: EPOCH + SPAN_DAYS * DAY });

const rawDeployment = fc.record({
  entity: fc.nat(ENTITIES.length - 1),
  place: fc.nat(PLACES.length - 1),
  status: fc.constantFrom(
    'succeeded',
    'succeeded',
    'succeeded',
    'failed',
    'rolled-back',
    'cancelled',
    'started',
  ),
  intent: fc.constantFrom('planned', 'planned', 'hotfix', 'rollback', 'revert'),
  finishedAt: fc.option(time, { nil: undefined }),
  duration: fc.integer({ min: 0, max: 2 * HOUR }),
  target: fc.option(fc.nat(60), { nil: undefined }),
  link: fc.constantFrom('rollbackOf', 'replaces', 'both'),
  gateFailed: fc.option(fc.boolean(), { nil: undefined }),
  // Ages before the finish; a few negative ones model clock skew.
  commitAges: fc.array(fc.integer({ min: -HOUR, max: 20 * DAY }), {
    maxLength: 4,
  }),
  repeatCommit: fc.boolean(),
});

/** Random deployment histories with explicit links between deployments. */
export const historyArbitrary = fc
  .record({
    raw: fc.array(rawDeployment, { maxLength: 60 }),
    incidents: fc.array(
      fc.record({
        target: fc.option(fc.nat(60), { nil: undefined }),
        detectedAt: time,
        resolvedAfter: fc.option(fc.integer({ min: 0, max: 3 * DAY }), {
          nil: undefined,
        }),
      }),
      { maxLength: 12 },
    ),
  })
  .map(({ raw, incidents }) => {
    const deployments: DoraDeployment[] = raw.map((r, i) => {
      const place = PLACES[r.place];
      const target =
        r.target !== undefined && r.target < raw.length && r.target !== i
          ? `d${r.target}`
          : undefined;
      const commitTimes =
        r.finishedAt === undefined
          ? []
          : r.commitAges.map(age => r.finishedAt! - age);
      if (r.repeatCommit && commitTimes.length > 0)
        commitTimes.push(commitTimes[0]);
      return {
        id: `d${i}`,
        entityRef: ENTITIES[r.entity],
        environment: place.environment,
        tier: place.tier,
        status: r.status,
        intent: r.intent,
        startedAt:
          r.finishedAt === undefined ? undefined : r.finishedAt - r.duration,
        finishedAt: r.status === 'started' ? undefined : r.finishedAt,
        rollbackOf: r.link !== 'replaces' ? target : undefined,
        replaces: r.link !== 'rollbackOf' ? target : undefined,
        gateFailed: r.gateFailed,
        commitTimes,
      };
    });
    const attributed: DoraIncident[] = incidents.map((inc, i) => {
      const target =
        inc.target !== undefined && inc.target < deployments.length
          ? deployments[inc.target]
          : undefined;
      return {
        id: `i${i}`,
        entityRefs: target ? [target.entityRef] : [ENTITIES[0]],
        detectedAt: inc.detectedAt,
        resolvedAt:
          inc.resolvedAfter === undefined
            ? undefined
            : inc.detectedAt + inc.resolvedAfter,
        deploymentId: target?.id,
      };
    });
    return { deployments, incidents: attributed };
  });

/** A UTC-midnight-aligned window inside (or overlapping) the generated span. */
export const dayWindowArbitrary = fc
  .record({
    startDay: fc.integer({ min: -3, max: SPAN_DAYS }),
    days: fc.integer({ min: 0, max: 45 }),
  })
  .map(({ startDay, days }) => ({
    from: EPOCH + startDay * DAY,
    to: EPOCH + (startDay + days) * DAY,
  }));

export { ENTITIES };
