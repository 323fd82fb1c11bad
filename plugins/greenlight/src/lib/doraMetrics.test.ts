import type { DoraTierRating } from '@greenlight/backstage-plugin-greenlight-common';
import { metrics } from '../__testUtils__/fixtures';
import {
  DORA_METRICS,
  leadTimeBasisNote,
  recoveryBasisNote,
  sampleText,
} from './doraMetrics';

const leadTime = DORA_METRICS.find(d => d.key === 'changeLeadTime')!;

function withBasis(fromCommit: number, fromMerge: number) {
  const m = metrics();
  return {
    ...m,
    changeLeadTime: {
      ...m.changeLeadTime,
      n: fromCommit + fromMerge,
      basis: { fromCommit, fromMerge },
    },
  };
}

describe('lead time basis', () => {
  it('says nothing when every lead time is from the commit', () => {
    expect(leadTimeBasisNote(withBasis(12, 0))).toBeNull();
    expect(sampleText(leadTime, withBasis(12, 0))).toBe('12 commits');
  });

  it('says "from merge" when all of the sample is', () => {
    expect(sampleText(leadTime, withBasis(0, 4))).toBe('4 commits, from merge');
  });

  it('says how many of the sample are from merge when some are', () => {
    expect(sampleText(leadTime, withBasis(9, 3))).toBe(
      '12 commits, 3 of 12 from merge',
    );
  });

  it('adds nothing to the other metrics', () => {
    const frequency = DORA_METRICS.find(d => d.key === 'deploymentFrequency')!;
    expect(sampleText(frequency, withBasis(0, 4))).toBe('45 deployments');
  });
});

describe('deployment frequency basis', () => {
  const frequency = DORA_METRICS.find(d => d.key === 'deploymentFrequency')!;
  const of = (entities: number, perDayPerEntity: number) => {
    const m = metrics();
    return {
      ...m,
      deploymentFrequency: {
        ...m.deploymentFrequency,
        count: 40,
        entities,
        perDayPerEntity,
      },
    };
  };

  it('says how many services deployed, and how often each, for a team', () => {
    // 40 deployments of 10 services in 28 days: 1 / 7 a day each, once a week.
    expect(sampleText(frequency, of(10, 1 / 7))).toBe(
      '40 deployments, 10 services, 1 / week each',
    );
  });

  it('says nothing more for one service', () => {
    expect(sampleText(frequency, of(1, 1 / 7))).toBe('40 deployments');
  });
});

describe('recovery basis', () => {
  const recovery = DORA_METRICS.find(
    d => d.key === 'failedDeploymentRecoveryTime',
  )!;
  const MIN = 60_000;
  const HOUR = 60 * MIN;
  const of = (
    n: number,
    unrecovered: number,
    medianOfAllMs: number | null,
    {
      medianMs = medianOfAllMs ?? 45 * MIN,
      level = medianOfAllMs === null ? 'insufficient-data' : 'elite',
    }: { medianMs?: number | null; level?: DoraTierRating } = {},
  ) => {
    const m = metrics();
    return {
      ...m,
      failedDeploymentRecoveryTime: {
        ...m.failedDeploymentRecoveryTime,
        n,
        medianMs,
        unrecovered,
        medianOfAllMs,
      },
      tiers: { ...m.tiers, failedDeploymentRecoveryTime: level },
    };
  };

  it('says how many failures have not recovered, and when that leaves the level unrated', () => {
    expect(sampleText(recovery, of(5, 6, null))).toBe(
      '5 recoveries, 6 not recovered yet; level not rated: most have not recovered',
    );
    expect(sampleText(recovery, of(6, 5, 1_800_000))).toBe(
      '6 recoveries, 5 not recovered yet',
    );
    expect(sampleText(recovery, of(6, 0, 1_800_000))).toBe('6 recoveries');
  });

  it('says what the level was rated on when it is not the median shown', () => {
    // Recovered [10 min, 20 min, 30 min, 6 h, 20 h], 4 never: the median shown, of the five
    // recovered, is rank ceil(2.5) = 3 → 30 min. Of all nine, the four unrecovered after the
    // five: rank ceil(4.5) = 5 → 20 h, which the level (high: under a day) was rated on.
    const m = of(5, 4, 20 * HOUR, { medianMs: 30 * MIN, level: 'high' });
    expect(recoveryBasisNote(m)).toBe(
      '4 not recovered yet; level rated on 20 h, the median counting them',
    );
    expect(sampleText(recovery, m)).toBe(
      '5 recoveries, 4 not recovered yet; level rated on 20 h, the median counting them',
    );
  });

  it('says nothing of a median the level was not rated on', () => {
    // Too few recoveries to rate: the median of all is not what the chip shows.
    expect(
      sampleText(
        recovery,
        of(2, 1, HOUR, { medianMs: 45 * MIN, level: 'insufficient-data' }),
      ),
    ).toBe('2 recoveries, 1 not recovered yet');
    // An older backend's answer carries no median of all failures.
    expect(
      sampleText(
        recovery,
        of(6, 5, undefined as unknown as null, { medianMs: 30 * MIN }),
      ),
    ).toBe('6 recoveries, 5 not recovered yet');
  });
});
