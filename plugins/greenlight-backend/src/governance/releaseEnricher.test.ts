import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Release } from '@greenlight/backstage-plugin-greenlight-common';
import { readGovernanceConfig } from './governanceConfig';
import { LedgerDeployment, LedgerFacts } from './ledgerFacts';
import { governanceReleaseEnricher } from './releaseEnricher';
import { ReadinessStore } from './store/GovernanceStore';

const ENTITY = 'component:default/payments';

const untested: LedgerDeployment = {
  id: 'd1',
  entityRef: ENTITY,
  environment: 'production',
  status: 'succeeded',
  strategy: 'rolling',
  intent: 'planned',
  version: null,
  commitSha: null,
  artifactDigest: null,
  buildId: null,
  artifactCommitSha: null,
  startedAt: null,
  sortTime: Date.parse('2026-11-01T10:00:00Z'),
};

/** The catalog, with `payments` requiring tests until the test changes its annotation. */
function catalogWithPolicy() {
  const entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: { 'greenlight.dev/require-tests': 'true' },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
  const catalog = catalogServiceMock({ entities: [entity] });
  const reads = jest.spyOn(catalog, 'getEntitiesByRefs');
  return { catalog, reads, entity };
}

describe('the readiness enricher of release reads', () => {
  it('reads an entity’s test policy from the catalog once per 30 s, not once per page', async () => {
    let now = 1_000_000;
    const { catalog, reads, entity } = catalogWithPolicy();
    const enricher = governanceReleaseEnricher({
      decisions: {
        listForReleases: async () => [],
      } as unknown as ReadinessStore,
      ledger: {
        untestedAmong: async () => [untested],
      } as unknown as LedgerFacts,
      environments: [{ name: 'production', tier: 'production' }] as any,
      config: readGovernanceConfig(new ConfigReader({})),
      catalog,
      auth: mockServices.auth(),
      clock: { now: () => now },
    });
    const page = [
      { id: 'd1', entityRef: ENTITY, environment: 'production' } as Release,
    ];
    const enforced = async () =>
      (await enricher.enrichReleases(page))[0].violations?.map(
        v => (v as { enforced?: boolean }).enforced,
      );

    expect(await enforced()).toEqual([true]);
    // The annotation changes; pages within 30 s keep the policy read, without asking again.
    entity.metadata.annotations['greenlight.dev/require-tests'] = 'false';
    expect(await enforced()).toEqual([true]);
    expect(reads).toHaveBeenCalledTimes(1);
    // After 30 s the catalog is asked again, and the change shows.
    now += 30_001;
    expect(await enforced()).toEqual([false]);
    expect(reads).toHaveBeenCalledTimes(2);
  });
});
