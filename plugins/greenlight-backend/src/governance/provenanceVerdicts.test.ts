import { createTestDatabases } from '@greenlight/test-utils';
import { applyMigrations } from '../database/migrations';
import { verdictRow } from '../provenance/store/rows';
import { ProvenanceVerdicts } from './provenanceVerdicts';

const DIGEST = `sha256:${'c'.repeat(64)}`;

/**
 * What readiness and the rollout gates read of an artifact's provenance, after a key was taken
 * out of the trust policy and before the stored verdicts are verified again.
 */
describe('ProvenanceVerdicts', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'on %p, does not count a verdict signed with a key the trust policy no longer lists',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await applyMigrations(knex);
      await knex('attestation_verdicts').insert(
        verdictRow(
          { id: 'att-1', artifactDigest: DIGEST },
          {
            verifier: 'greenlight',
            status: 'verified',
            keyId: 'release-2025',
            slsaLevel: 3,
            verifiedAt: 1,
          },
          'fingerprint-of-2025',
        ),
      );

      const before = new ProvenanceVerdicts(knex, new Set(['release-2025']));
      expect(await before.of(DIGEST)).toMatchObject({ status: 'verified' });
      expect(await before.verifiedLevel(DIGEST)).toBe(3);

      const after = new ProvenanceVerdicts(knex, new Set(['release-2026']));
      expect(await after.of(DIGEST)).toEqual({
        status: 'unverifiable',
        reason:
          'signed with release-2025, which the trust policy no longer lists',
      });
      expect(await after.verifiedLevel(DIGEST)).toBeNull();
      await knex.destroy();
    },
  );
});
