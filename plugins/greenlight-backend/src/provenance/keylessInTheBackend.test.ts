import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  BUILDER_ID,
  COMMIT,
  NOW,
  REPOSITORY,
  slsaV1Statement,
} from './__testUtils__/fixtures';
import {
  PAYMENTS,
  ProvenanceBackend,
  service,
  SIGSTORE_V03,
  startProvenanceBackend,
} from './__testUtils__/provenanceBackend';
import {
  createTestSigstore,
  githubWorkflowSigner,
  GITHUB_ISSUER,
  TestSigstore,
} from './__testUtils__/testSigstore';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const SANDBOX = 'https://github.com/acme/sandbox';
const FORGED_HEX = '3'.repeat(64);
const GENUINE_HEX = '4'.repeat(64);
const databases = createTestDatabases();

/**
 * The keyless forgery through the real plugin: the trust policy comes from
 * configuration (a trusted_root.json file and a wildcard identity), the
 * expected source from the payments entity's annotation, and the bundles from
 * a Sigstore instance made in the test.
 */
describe.each(databases.eachSupportedId())(
  'keyless attestations in the backend on %p',
  databaseId => {
    let backend: ProvenanceBackend;
    let sigstore: TestSigstore;
    let dir: string;

    beforeAll(async () => {
      sigstore = await createTestSigstore(NOW);
      dir = mkdtempSync(join(tmpdir(), 'greenlight-trust-'));
      const rootFile = join(dir, 'trusted_root.json');
      writeFileSync(rootFile, JSON.stringify(sigstore.trustedRoot));
      backend = await startProvenanceBackend({
        knex: await databases.init(databaseId),
        provenance: {
          trustedRootFile: rootFile,
          trustedIdentities: [
            {
              issuer: GITHUB_ISSUER,
              subjectPattern:
                'https://github.com/acme/*/.github/workflows/release.yml@refs/heads/main',
              builderIds: [BUILDER_ID],
              slsaLevel: 2,
            },
          ],
        },
      });
    });

    afterAll(async () => {
      await backend?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const post = async (hex: string, signedFrom: string) => {
      const res = await request(backend.server)
        .post('/api/greenlight/v1/attestations')
        .set('Authorization', service)
        .send({
          artifactDigest: `sha256:${hex}`,
          entityRef: PAYMENTS,
          mediaType: SIGSTORE_V03,
          content: await sigstore.signKeyless(
            slsaV1Statement({ digestHex: hex, repository: REPOSITORY }),
            githubWorkflowSigner(signedFrom, COMMIT),
          ),
        });
      expect(res.status).toBe(201);
      return res.body;
    };

    it('stores a statement for payments signed from acme/sandbox as invalid', async () => {
      const body = await post(FORGED_HEX, SANDBOX);
      expect(body.attestation.verdicts).toEqual([
        expect.objectContaining({
          status: 'invalid',
          reason: `source repository ${REPOSITORY} claimed by the provenance is not the signing certificate's ${SANDBOX}`,
        }),
      ]);
      const artifact = await backend.get(`/v1/artifacts/sha256:${FORGED_HEX}`);
      expect(artifact.body.summary).toMatchObject({ status: 'invalid' });
    });

    it('stores the same statement signed from acme/payments as verified', async () => {
      const body = await post(GENUINE_HEX, REPOSITORY);
      expect(body.summary).toMatchObject({ status: 'verified', slsaLevel: 2 });
      const artifact = await backend.get(`/v1/artifacts/sha256:${GENUINE_HEX}`);
      expect(artifact.body.summary).toMatchObject({
        status: 'verified',
        signer: `${REPOSITORY}/.github/workflows/release.yml@refs/heads/main`,
      });
    });
  },
);
