import { metrics } from '../__testUtils__/fixtures';
import { DORA_METRICS, leadTimeBasisNote, sampleText } from './doraMetrics';

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
