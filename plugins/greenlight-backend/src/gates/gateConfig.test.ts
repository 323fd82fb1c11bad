import { ConfigReader } from '@backstage/config';
import { readGatePolicyDefaults } from './gateConfig';

describe('readGatePolicyDefaults', () => {
  const config = new ConfigReader({
    greenlight: {
      gates: {
        defaults: { interval: '30s', evaluations: 12, noData: 'inconclusive' },
        production: { noData: 'fail', failureRule: '2-of-3' },
      },
    },
  });

  it('applies production defaults over the general ones for production only', () => {
    expect(readGatePolicyDefaults(config, 'staging')).toEqual({
      intervalSeconds: 30,
      evaluations: 12,
      noData: 'inconclusive',
    });
    expect(readGatePolicyDefaults(config, 'production')).toEqual({
      intervalSeconds: 30,
      evaluations: 12,
      noData: 'fail',
      failureRule: { kind: 'k-of-n', k: 2, n: 3 },
    });
  });

  it('is empty without configuration and rejects bad values', () => {
    expect(readGatePolicyDefaults(new ConfigReader({}), 'production')).toEqual(
      {},
    );
    const bad = new ConfigReader({
      greenlight: { gates: { production: { noData: 'sometimes' } } },
    });
    expect(() => readGatePolicyDefaults(bad, 'production')).toThrow(
      /greenlight\.gates\.production\.noData/,
    );
  });
});
