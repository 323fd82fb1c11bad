import { createBackendModule } from '@backstage/backend-plugin-api';
import { greenlightVerifiersExtensionPoint } from '@greenlight/backstage-plugin-greenlight-node';
import request from 'supertest';
import {
  ARTIFACT_DIGEST,
  BUILDER_ID,
  COMMIT,
  generateTestKey,
  slsaV1Statement,
} from './__testUtils__/fixtures';
import {
  artifactEvent,
  deploymentEvent,
  dsse,
  hexDigest,
  keyedBundle,
  LEDGER,
  PAYMENTS,
  ProvenanceBackend,
  service,
  SIGSTORE_V03,
  startProvenanceBackend,
  trustedKeyConfig,
  user,
} from './__testUtils__/provenanceBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const signer = generateTestKey('release-signer', 'ecdsa-p256-sha256');
const bundleSigner = generateTestKey('bundle-signer', 'ed25519');
const stranger = generateTestKey('stranger', 'ecdsa-p256-sha256');

const digestOf = (hex: string) => `sha256:${hex}`;
const OTHER_HEX = 'b'.repeat(64);
const TAMPERED_HEX = 'c'.repeat(64);
const STRANGER_HEX = 'd'.repeat(64);
const WRONG_SOURCE_HEX = 'e'.repeat(64);
const BUNDLE_HEX = 'f'.repeat(64);
const CUSTOM_HEX = '1'.repeat(64);
const CDEVENTS_HEX = '2'.repeat(64);

/** An extension verifier for a media type the built-in one does not know. */
const inHouseVerifier = createBackendModule({
  pluginId: 'greenlight',
  moduleId: 'in-house-verifier',
  register(env) {
    env.registerInit({
      deps: { verifiers: greenlightVerifiersExtensionPoint },
      async init({ verifiers }) {
        verifiers.addVerifier({
          id: 'in-house',
          mediaTypes: ['application/vnd.acme.signature+json'],
          async verify({ attestation, artifactDigest }) {
            const content = JSON.parse(String(attestation.content));
            return content.digest === artifactDigest
              ? {
                  status: 'verified',
                  details: {
                    builderId: 'https://ci.acme.example',
                    slsaLevel: 2,
                  },
                }
              : { status: 'invalid', reason: 'digest does not match' };
          },
        });
      },
    });
  },
});

/** A statement whose bytes changed after signing: the signature no longer covers them. */
function tampered(hex: string) {
  const attestation = dsse(slsaV1Statement({ digestHex: hex }), [signer]);
  const statement = JSON.parse(
    Buffer.from(attestation.content.payload, 'base64').toString(),
  );
  statement.predicate.runDetails.builder.id = 'https://evil.example/builder';
  attestation.content.payload = Buffer.from(JSON.stringify(statement)).toString(
    'base64',
  );
  return attestation;
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'artifact provenance on %p',
  databaseId => {
    let backend: ProvenanceBackend;
    let before: number;
    let knex: Awaited<ReturnType<typeof databases.init>>;

    beforeAll(async () => {
      knex = await databases.init(databaseId);
      backend = await startProvenanceBackend({
        knex,
        provenance: {
          trustedKeys: [
            trustedKeyConfig(signer),
            trustedKeyConfig(bundleSigner, 2),
          ],
        },
        features: [inHouseVerifier],
      });
      before = Date.now();
      await backend.post([
        artifactEvent('a-verified', ARTIFACT_DIGEST, {
          buildId: 'b1',
          commitSha: COMMIT,
          attestations: [dsse(slsaV1Statement(), [signer])],
        }),
        artifactEvent('a-unsigned', digestOf(OTHER_HEX)),
        artifactEvent('a-tampered', digestOf(TAMPERED_HEX), {
          attestations: [tampered(TAMPERED_HEX)],
        }),
        artifactEvent('a-stranger', digestOf(STRANGER_HEX), {
          attestations: [
            dsse(slsaV1Statement({ digestHex: STRANGER_HEX }), [stranger]),
          ],
        }),
        artifactEvent('a-wrong-source', digestOf(WRONG_SOURCE_HEX), {
          attestations: [
            dsse(
              slsaV1Statement({
                digestHex: WRONG_SOURCE_HEX,
                repository: 'https://github.com/acme/forked',
              }),
              [signer],
            ),
          ],
        }),
        artifactEvent('a-bundle', digestOf(BUNDLE_HEX)),
        artifactEvent('a-custom', digestOf(CUSTOM_HEX), {
          serviceId: 'ledger-svc',
        }),
      ]);
    });

    afterAll(async () => {
      await backend.stop();
    });

    it('verifies a DSSE-signed SLSA provenance that came with its artifact event', async () => {
      const res = await backend.get(`/v1/artifacts/${ARTIFACT_DIGEST}`);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        digest: ARTIFACT_DIGEST,
        entityRef: PAYMENTS,
        summary: {
          status: 'verified',
          builderId: BUILDER_ID,
          slsaLevel: 3,
          signer: 'release-signer',
        },
      });
      const [attestation] = res.body.attestations;
      expect(attestation).toMatchObject({
        mediaType: 'application/vnd.dsse.envelope.v1+json',
        sourceEventId: 'native:a-verified',
        verdicts: [
          {
            verifier: 'greenlight',
            status: 'verified',
            keyId: 'release-signer',
            builderId: BUILDER_ID,
            slsaLevel: 3,
            sourceRepository: 'https://github.com/acme/payments',
            sourceCommit: COMMIT,
            current: true,
          },
        ],
      });
      const verifiedAt = Date.parse(res.body.summary.verifiedAt);
      expect(verifiedAt).toBeGreaterThanOrEqual(before - 60_000);
      expect(verifiedAt).toBeLessThanOrEqual(Date.now());
      expect(attestation.id).toMatch(/^[0-9a-f]{64}$/);
    });

    it('says invalid, with the reason, when the signed statement was tampered with', async () => {
      const res = await backend.get(`/v1/artifacts/${digestOf(TAMPERED_HEX)}`);
      expect(res.body.summary).toMatchObject({
        status: 'invalid',
        reason: 'signature does not verify for key release-signer',
      });
    });

    it('says unsigned for an artifact without attestations', async () => {
      const res = await backend.get(`/v1/artifacts/${digestOf(OTHER_HEX)}`);
      expect(res.body.summary).toEqual({ status: 'unsigned' });
      expect(res.body.attestations).toEqual([]);
    });

    it('says unverifiable when signed by a key the policy does not hold', async () => {
      const res = await backend.get(`/v1/artifacts/${digestOf(STRANGER_HEX)}`);
      expect(res.body.summary).toMatchObject({
        status: 'unverifiable',
        reason: 'unknown key id stranger',
      });
    });

    it("applies the entity's expected-source annotation", async () => {
      const res = await backend.get(
        `/v1/artifacts/${digestOf(WRONG_SOURCE_HEX)}`,
      );
      expect(res.body.summary).toMatchObject({
        status: 'invalid',
        reason:
          'source repository https://github.com/acme/forked is not the expected https://github.com/acme/payments',
      });
    });

    it('verifies a keyed Sigstore bundle posted to /v1/attestations, once', async () => {
      const body = {
        artifactDigest: digestOf(BUNDLE_HEX),
        mediaType: SIGSTORE_V03,
        content: keyedBundle(
          slsaV1Statement({ digestHex: BUNDLE_HEX }),
          bundleSigner,
        ),
      };
      const first = await request(backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', service)
        .send(body);
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        status: 'accepted',
        attestation: {
          sourceEventId: null,
          verdicts: [
            { status: 'verified', keyId: 'bundle-signer', slsaLevel: 2 },
          ],
        },
        summary: { status: 'verified', slsaLevel: 2 },
      });
      // The same bundle as pretty-printed text is the same attestation.
      const again = await request(backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', service)
        .send({ ...body, content: JSON.stringify(body.content, null, 2) });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({
        status: 'duplicate',
        attestation: { id: first.body.attestation.id },
      });
      // Audited once, with the attestation (in its transaction); the duplicate writes nothing.
      const audit = await knex('audit_log').where({
        action: 'attestation.recorded',
        subject_id: digestOf(BUNDLE_HEX),
      });
      expect(
        audit.map(a => [a.subject_type, JSON.parse(a.details).attestationId]),
      ).toEqual([['artifact', first.body.attestation.id]]);

      const artifact = await backend.get(
        `/v1/artifacts/${digestOf(BUNDLE_HEX)}`,
      );
      expect(artifact.body.attestations).toHaveLength(1);
      expect(artifact.body.summary).toMatchObject({
        status: 'verified',
        signer: 'bundle-signer',
      });
    });

    it('runs an extension verifier for the media types it claims', async () => {
      const res = await request(backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', service)
        .send({
          artifactDigest: digestOf(CUSTOM_HEX),
          mediaType: 'application/vnd.acme.signature+json',
          content: { digest: digestOf(CUSTOM_HEX) },
        });
      expect(res.status).toBe(201);
      expect(res.body.attestation.verdicts).toEqual([
        expect.objectContaining({
          verifier: 'in-house',
          status: 'verified',
          builderId: 'https://ci.acme.example',
        }),
      ]);
      expect(res.body.summary).toMatchObject({
        status: 'verified',
        signer: 'in-house',
        slsaLevel: 2,
      });
    });

    it('verifies a DSSE envelope that arrived as the signature of a CDEvents artifact.signed', async () => {
    const envelope = dsse(slsaV1Statement({ digestHex: CDEVENTS_HEX }), [signer]).content;
    const res = await request(backend.server)
      .post('/api/greenlight/v1/cdevents')
      .set('Authorization', service)
      .send({
        context: {
          version: '0.4.1',
          id: 'cd-signed-1',
          source: '/ci/release',
          type: 'dev.cdevents.artifact.signed.0.2.0',
          timestamp: '2026-03-01T00:00:00Z',
        },
        subject: {
          id: `pkg:oci/payments@${digestOf(CDEVENTS_HEX)}`,
          source: '/ci/release',
          type: 'artifact',
          content: { signature: Buffer.from(JSON.stringify(envelope)).toString('base64') },
        },
        customData: { entityRef: PAYMENTS },
      });
    expect(res.status).toBe(200);
    const artifact = await backend.get(`/v1/artifacts/${digestOf(CDEVENTS_HEX)}`);
    expect(artifact.body.summary).toMatchObject({ status: 'verified', signer: 'release-signer' });
    expect(artifact.body.attestations[0].sourceEventId).toBe('cdevents:cd-signed-1@/ci/release');
  });

  it('answers 400 naming each bad field and writes nothing', async () => {
      const res = await request(backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', service)
        .send({ artifactDigest: 'sha1:abc', mediaType: '', content: 42 });
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain('artifactDigest');
      expect(res.body.error.message).toContain('mediaType');
      expect(res.body.error.message).toContain('content');
      const badPath = await backend.get('/v1/artifacts/sha1:abc');
      expect(badPath.status).toBe(400);
      expect(badPath.body.error.message).toContain('digest');
    });

    it('refuses attestations from users and for another entity than the artifact has', async () => {
      const body = {
        artifactDigest: ARTIFACT_DIGEST,
        mediaType: 'application/vnd.dsse.envelope.v1+json',
        content: dsse(slsaV1Statement(), [signer]).content,
      };
      await request(backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', user)
        .send(body)
        .expect(403);
      const conflict = await request(backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', service)
        .send({ ...body, entityRef: LEDGER });
      expect(conflict.status).toBe(409);
      expect(conflict.body.error.message).toContain(PAYMENTS);
    });

    it('answers 404 for an artifact nobody reported', async () => {
      const res = await backend.get(`/v1/artifacts/${hexDigest('9')}`);
      expect(res.status).toBe(404);
    });

    it('puts provenance and promotion on release history and environments', async () => {
      await backend.post([
        deploymentEvent('rel-dev', 'development', '2026-03-01T10:00:00Z', {
          digest: ARTIFACT_DIGEST,
          commitSha: COMMIT,
        }),
        deploymentEvent('rel-staging', 'staging', '2026-03-02T10:00:00Z', {
          digest: ARTIFACT_DIGEST,
          commitSha: COMMIT,
        }),
        deploymentEvent('rel-prod', 'production', '2026-03-03T10:00:00Z', {
          digest: digestOf(OTHER_HEX),
          commitSha: COMMIT,
        }),
      ]);
      const releases = await backend.get('/v1/releases', {
        entityRef: PAYMENTS,
      });
      const byId = Object.fromEntries(
        releases.body.items.map((r: any) => [r.id, r]),
      );
      expect(byId['rel-dev']).toMatchObject({
        promotion: 'first-stage',
        provenance: { status: 'verified', slsaLevel: 3 },
      });
      expect(byId['rel-staging']).toMatchObject({
        promotion: 'promoted',
        provenance: { status: 'verified' },
      });
      expect(byId['rel-prod']).toMatchObject({
        promotion: 'rebuilt',
        provenance: { status: 'unsigned' },
      });

      const detail = await backend.get('/v1/releases/rel-staging');
      expect(detail.body).toMatchObject({
        promotion: 'promoted',
        provenance: { status: 'verified' },
      });

      const envs = await backend.get('/v1/environments', {
        entityRef: PAYMENTS,
      });
      expect(
        envs.body.environments.map((e: any) => [
          e.name,
          e.current?.promotion,
          e.current?.provenance?.status,
        ]),
      ).toEqual([
        ['development', 'first-stage', 'verified'],
        ['staging', 'promoted', 'verified'],
        ['production', 'rebuilt', 'unsigned'],
      ]);
    });
  },
);
