import { ConfigReader } from '@backstage/config';
import { MS_PER_DAY } from '@greenlight/backstage-plugin-greenlight-common';
import { readDoraSettings } from './doraConfig';

const read = (dora: object) => readDoraSettings(new ConfigReader({ greenlight: { dora } }));

describe('greenlight.dora', () => {
  it('falls back to the product defaults', () => {
    expect(readDoraSettings(new ConfigReader({}))).toEqual({
      reportYear: 2024,
      minimumSamples: { deployments: 10, commits: 10, recoveries: 5, windowDays: 7 },
      attributionHorizonMs: 7 * MS_PER_DAY,
      candidateWindowMs: MS_PER_DAY,
      rebuildOnReadMs: 1_000,
      sketchRelativeAccuracy: 0.01,
    });
  });

  it('reads the report year, partial minimum samples and a horizon in any duration form', () => {
    expect(read({ reportYear: 2023, minimumSamples: { commits: 25 }, attributionHorizon: '3d' })).toMatchObject({
      reportYear: 2023,
      minimumSamples: { deployments: 10, commits: 25, recoveries: 5, windowDays: 7 },
      attributionHorizonMs: 3 * MS_PER_DAY,
    });
    expect(read({ attributionHorizon: { days: 2, hours: 12 } }).attributionHorizonMs).toBe(2.5 * MS_PER_DAY);
    expect(read({ attributionHorizon: 'P1D' }).attributionHorizonMs).toBe(MS_PER_DAY);
    expect(read({ candidateWindow: '6h' }).candidateWindowMs).toBe(MS_PER_DAY / 4);
    expect(read({ rebuildOnRead: '250ms' }).rebuildOnReadMs).toBe(250);
    expect(read({ rebuildOnRead: { seconds: 0 } }).rebuildOnReadMs).toBe(0);
  });

  it.each([
    [{ reportYear: 2022 }, 'greenlight.dora.reportYear'],
    [{ minimumSamples: { deployments: -1 } }, 'greenlight.dora.minimumSamples.deployments'],
    [{ minimumSamples: { commits: 2.5 } }, 'greenlight.dora.minimumSamples.commits'],
    [{ attributionHorizon: 'soon' }, 'greenlight.dora.attributionHorizon'],
    [{ candidateWindow: 'soon' }, 'greenlight.dora.candidateWindow'],
    [{ rebuildOnRead: 'soon' }, 'greenlight.dora.rebuildOnRead'],
  ])('rejects %j naming the key', (dora, key) => {
    expect(() => read(dora)).toThrow(key);
  });
});
