import { rollout } from '../../__testUtils__/fixtures';
import { gateSeries } from './gateSeries';

describe('gateSeries', () => {
  it('groups evaluations per gate in time order, keeps undeclared gates and marks decisions', () => {
    const base = rollout();
    const series = gateSeries({
      gates: base.gates,
      evaluations: [
        { ...base.evaluations[1], decision: 'rollback' },
        base.evaluations[0],
        { ...base.evaluations[0], gateId: 'checkout/latency', at: '2026-11-02T10:01:30Z' },
      ],
    });
    expect(series.map(s => s.id)).toEqual(['checkout/error-rate', 'checkout/latency']);
    expect(series[0].points.map(p => p.value)).toEqual([0.004, 0.031]);
    expect(series[0].decisions).toEqual([expect.objectContaining({ decision: 'rollback', value: 0.031 })]);
    expect(series[1].kind).toBe('threshold');
  });
});
