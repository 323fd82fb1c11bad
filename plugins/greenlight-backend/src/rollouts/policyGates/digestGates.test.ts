import { createTestDatabases } from '@greenlight/test-utils';
import request from 'supertest';
import {
  generateTestKey,
  slsaV1Statement,
} from '../../provenance/__testUtils__/fixtures';
import {
  dsse,
  trustedKeyConfig,
} from '../../provenance/__testUtils__/provenanceBackend';
import { RolloutRecord } from '../RolloutStore';
import { StoredPolicyGate } from './PolicyGateChecks';
import { pipeline, setUpPolicyGates } from './__testUtils__/policyGateBackend';
import { deploymentStarted } from '../__testUtils__/rolloutBackend';

jest.setTimeout(60_000);

const PAYMENTS = 'component:default/payments';
const hex = (c: string) => c.repeat(64);
const digest = (c: string) => `sha256:${hex(c)}`;
const key = generateTestKey('release-signer', 'ecdsa-p256-sha256');

const provenanceGate: StoredPolicyGate = {
  id: 'policy/provenance',
  kind: 'provenance',
  shadow: false,
  minSlsaLevel: 2,
};
const readinessGate: StoredPolicyGate = {
  id: 'policy/readiness',
  kind: 'readiness',
  shadow: false,
};

const rollout = (deploymentId: string, artifactDigest: string | null) =>
  ({
    id: `r-${deploymentId}`,
    deploymentId,
    entityRef: PAYMENTS,
    environment: 'production',
    artifactDigest,
    policyGates: [provenanceGate, readinessGate],
  } as unknown as RolloutRecord);

describe('policy gates judge the digest the ledger records', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    const setup = setUpPolicyGates(databases, databaseId, {
      provenance: { trustedKeys: [trustedKeyConfig(key, 2)] },
    });

    beforeAll(async () => {
      // sha256:aaaa… is verified at SLSA level 2; no other digest has an attestation.
      await request(setup.backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', pipeline)
        .send({
          artifactDigest: digest('a'),
          entityRef: PAYMENTS,
          ...dsse(slsaV1Statement({ digestHex: hex('a') }), [key]),
        })
        .expect(201);
      const started = (id: string, artifactDigest?: string) =>
        deploymentStarted(id, PAYMENTS, artifactDigest);
      await setup.postEvents([
        started('runs-x', digest('a')),
        started('runs-y', digest('b')),
        started('runs-unknown'),
        started('d-1', digest('c')),
        started('d-2', digest('d')),
      ]);
    });

    describe('provenance', () => {
      it('judges what the deployment runs, not the verified digest the rollout names', async () => {
        const check = await setup.checks.check(
          provenanceGate,
          rollout('runs-y', digest('a')),
        );
        expect(check).toMatchObject({
          verdict: 'fail',
          reason: expect.stringMatching(
            /^artifact sha256:bbbb.* is unsigned: it has no attestation, and SLSA level 2 is required$/,
          ),
          details: { artifactDigest: digest('b'), status: 'unsigned' },
        });
      });

      it('passes the deployment of a verified digest, named or not', async () => {
        for (const named of [digest('a'), null]) {
          expect(
            await setup.checks.check(provenanceGate, rollout('runs-x', named)),
          ).toMatchObject({
            verdict: 'pass',
            details: { artifactDigest: digest('a'), level: 2 },
          });
        }
      });

      it("takes the rollout's digest only while the ledger names none", async () => {
        expect(
          await setup.checks.check(
            provenanceGate,
            rollout('runs-unknown', digest('a')),
          ),
        ).toMatchObject({
          verdict: 'pass',
          details: { artifactDigest: digest('a') },
        });
        expect(
          await setup.checks.check(
            provenanceGate,
            rollout('runs-unknown', null),
          ),
        ).toMatchObject({
          verdict: 'fail',
          reason:
            'the rollout names no artifact digest, so nothing proves what is rolled out',
        });
      });
    });

    describe('readiness', () => {
      const decide = (
        id: string,
        decision: 'allow' | 'block',
        link: { deploymentId?: string; artifactDigest: string },
        decidedAt: number,
      ) =>
        setup.knex('readiness_decisions').insert({
          id,
          entity_ref: PAYMENTS,
          environment: 'production',
          decision,
          classes: '[]',
          policy: '[]',
          missing_controls: JSON.stringify(
            decision === 'block' ? ['two-person-review'] : [],
          ),
          change: '{}',
          evidence: '{}',
          deployment_id: link.deploymentId ?? null,
          artifact_digest: link.artifactDigest,
          actor: 'service:pipeline',
          decided_at: decidedAt,
        });

      it("holds the deployment's own block against a later allow asked for its digest alone", async () => {
        const t = Date.now();
        await decide(
          `${databaseId}-block`,
          'block',
          { deploymentId: 'd-1', artifactDigest: digest('c') },
          t - 60_000,
        );
        // asked again for the same digest, naming no deployment, with trivial changes
        await decide(
          `${databaseId}-allow-digest`,
          'allow',
          { artifactDigest: digest('c') },
          t - 1_000,
        );
        expect(
          await setup.checks.check(readinessGate, rollout('d-1', null)),
        ).toMatchObject({
          verdict: 'fail',
          reason: `readiness decision ${databaseId}-block blocked it (missing: two-person-review)`,
          details: { decisionId: `${databaseId}-block` },
        });
      });

      it('falls back to the digest when no decision names the deployment', async () => {
        await decide(
          `${databaseId}-allow-d`,
          'allow',
          { artifactDigest: digest('d') },
          Date.now(),
        );
        expect(
          await setup.checks.check(readinessGate, rollout('d-2', null)),
        ).toMatchObject({
          verdict: 'pass',
          reason: `readiness decision ${databaseId}-allow-d allows it`,
        });
      });
    });
  });
});
