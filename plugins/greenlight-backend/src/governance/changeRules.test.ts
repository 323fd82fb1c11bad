import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { requireTestsPolicy } from './changeRules';
import { readGovernanceConfig } from './governanceConfig';

const entity = (requireTests?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    annotations:
      requireTests === undefined
        ? {}
        : { 'greenlight.dev/require-tests': requireTests },
  },
  spec: {},
});
const organisation = (requireTests: boolean) =>
  readGovernanceConfig(
    new ConfigReader({ greenlight: { readiness: { requireTests } } }),
  );

describe('requireTestsPolicy', () => {
  it.each([
    // organisation, annotation → required, decided by
    [false, undefined, false, 'config'],
    [false, 'true', true, 'annotation'],
    [false, 'false', false, 'annotation'],
    [true, undefined, true, 'config'],
    [true, 'true', true, 'config'],
    // An entity cannot switch off what the organisation requires.
    [true, 'false', true, 'config'],
    [true, ' FALSE ', true, 'config'],
  ] as const)(
    'organisation %p, annotation %p: required %p by %p',
    (org, annotation, requireTests, source) => {
      expect(requireTestsPolicy(entity(annotation), organisation(org))).toEqual(
        { requireTests, source },
      );
    },
  );
});
