import { ConfigReader } from '@backstage/config';
import type { JsonValue } from '@backstage/types';
import { DEFAULT_ENVIRONMENTS } from '../../config';
import { policyGatesFor } from './PolicyGateChecks';
import { readPolicyGatesConfig } from './policyGatesConfig';

const read = (policyGates: JsonValue | undefined) =>
  readPolicyGatesConfig(
    new ConfigReader({ greenlight: { rollouts: { policyGates } } }),
    DEFAULT_ENVIRONMENTS,
  );

const entity = (level?: string) =>
  ({
    metadata: {
      name: 'payments',
      annotations:
        level === undefined ? {} : { 'greenlight.dev/slsa-level': level },
    },
  } as any);

describe('greenlight.rollouts.policyGates', () => {
  it('reads policy gates per environment, enforced unless shadow', () => {
    const gates = read({
      production: {
        provenance: { minSlsaLevel: 2 },
        promotion: {},
        readiness: { shadow: true },
      },
    });
    expect(gates.get('production')).toEqual([
      {
        id: 'policy/provenance',
        kind: 'provenance',
        shadow: false,
        minSlsaLevel: 2,
      },
      { id: 'policy/promotion', kind: 'promotion', shadow: false },
      { id: 'policy/readiness', kind: 'readiness', shadow: true },
    ]);
    expect(gates.get('staging')).toBeUndefined();
    expect(read(undefined).size).toBe(0);
  });

  it.each([
    [
      { production: { provenance: { minSlsaLevel: 5 } } },
      'greenlight.rollouts.policyGates.production.provenance.minSlsaLevel',
    ],
    [
      { production: { provenence: {} } },
      'greenlight.rollouts.policyGates.production: Unrecognized key',
    ],
    [
      { production: { promotion: { shadow: 'yes' } } },
      'greenlight.rollouts.policyGates.production.promotion.shadow',
    ],
    [
      { prod: { promotion: {} } },
      'greenlight.rollouts.policyGates.prod: not an environment of greenlight.environments',
    ],
  ])('stops the backend naming the field: %j', (value, message) => {
    expect(() => read(value)).toThrow(message);
  });
});

describe('policyGatesFor', () => {
  const configured = read({
    production: { provenance: { minSlsaLevel: 1 }, promotion: {} },
  }).get('production')!;

  it("takes the entity's level when it is higher, never a lower one", () => {
    expect(policyGatesFor(configured, entity('3'))[0]).toMatchObject({
      minSlsaLevel: 3,
    });
    expect(policyGatesFor(configured, entity('0'))[0]).toMatchObject({
      minSlsaLevel: 1,
    });
    expect(policyGatesFor(configured, undefined)[0]).toMatchObject({
      minSlsaLevel: 1,
    });
    expect(policyGatesFor(configured, entity('3'))[1]).toEqual(configured[1]);
  });

  it('keeps an unreadable level as a problem, so the gate fails instead of asking for less', () => {
    expect(policyGatesFor(configured, entity('high'))[0]).toMatchObject({
      problem:
        "annotation greenlight.dev/slsa-level is 'high', not an SLSA level 0-4",
    });
    expect(policyGatesFor(configured, entity('7'))[0].problem).toBeDefined();
  });
});
