import {
  BUILDER_ID,
  generateTestKey,
  slsaV1Statement,
} from './__testUtils__/fixtures';
import {
  artifactEvent,
  deploymentEvent,
  dsse,
  hexDigest,
  ProvenanceBackend,
  startProvenanceBackend,
  trustedKeyConfig,
} from './__testUtils__/provenanceBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const signer = generateTestKey('release-signer', 'ecdsa-p256-sha256');
const REBUILDER = 'https://rebuilder.acme.example/verify';

const C1 = '1'.repeat(40);
const C2 = '2'.repeat(40);
const C3 = '3'.repeat(40);
const C4 = '4'.repeat(40);
const C5 = '5'.repeat(40);
const C6 = '6'.repeat(40);

const LODASH_20 = {
  uri: 'pkg:npm/lodash@4.17.20',
  digest: { sha256: 'a0'.repeat(32) },
};
const LODASH_21 = {
  uri: 'pkg:npm/lodash@4.17.21',
  digest: { sha256: 'a1'.repeat(32) },
};
// Differences are printed as canonical JSON: keys sorted.
const canonical = (dependency: typeof LODASH_20) =>
  `{"digest":{"sha256":"${dependency.digest.sha256}"},"uri":"${dependency.uri}"}`;

function build(
  id: string,
  commitSha: string,
  builder: string,
  inputsDigest?: string,
) {
  return {
    id: `evt-${id}`,
    type: 'build',
    serviceId: 'payments-svc',
    build: {
      id,
      commitSha,
      builder,
      status: 'succeeded',
      ...(inputsDigest ? { inputsDigest } : {}),
    },
  };
}

/** Signed SLSA provenance for commit C5 with one extra resolved dependency. */
function provenanceWith(digest: string, dependency: object) {
  const statement = slsaV1Statement({
    digestHex: digest.slice('sha256:'.length),
    commit: C5,
  });
  statement.predicate.buildDefinition.resolvedDependencies.push(
    dependency as any,
  );
  return dsse(statement, [signer]);
}

/** Signed SLSA provenance of the digest for the commit, by this builder. */
function provenanceBy(digest: string, commit: string, builderId: string) {
  return dsse(
    slsaV1Statement({
      digestHex: digest.slice('sha256:'.length),
      commit,
      builderId,
    }),
    [signer],
  );
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'promotion and determinism on %p',
  databaseId => {
    let backend: ProvenanceBackend;

    beforeAll(async () => {
      backend = await startProvenanceBackend({
        knex: await databases.init(databaseId),
        provenance: {
          trustedKeys: [trustedKeyConfig(signer, 3, [BUILDER_ID, REBUILDER])],
        },
      });
      await backend.post([
        // Promoted: one digest through every stage.
        deploymentEvent('p1-dev', 'development', '2026-04-01T10:00:00Z', {
          digest: hexDigest('1'),
          commitSha: C1,
        }),
        deploymentEvent('p1-staging', 'staging', '2026-04-02T10:00:00Z', {
          digest: hexDigest('1'),
          commitSha: C1,
        }),
        deploymentEvent('p1-prod', 'production', '2026-04-03T10:00:00Z', {
          digest: hexDigest('1'),
          commitSha: C1,
        }),
        // Rebuilt: the same commit reached staging under another digest.
        deploymentEvent('r2-dev', 'development', '2026-04-04T10:00:00Z', {
          digest: hexDigest('2'),
          commitSha: C2,
        }),
        deploymentEvent('r2-staging', 'staging', '2026-04-05T10:00:00Z', {
          digest: hexDigest('b'),
          commitSha: C2,
        }),
        // Skipped stage: straight from development to production.
        deploymentEvent('s3-dev', 'development', '2026-04-06T10:00:00Z', {
          digest: hexDigest('3'),
          commitSha: C3,
        }),
        deploymentEvent('s3-prod', 'production', '2026-04-07T10:00:00Z', {
          digest: hexDigest('3'),
          commitSha: C3,
          startedAt: '2026-04-07T09:50:00Z',
        }),

        // Reproduced: two builders, same reported inputs, same digest, each builder vouched
        // for by its own verified provenance of the digest.
        build('b4-ci', C4, BUILDER_ID, 'sha256:inputs-4'),
        build('b4-rebuild', C4, REBUILDER, 'sha256:inputs-4'),
        artifactEvent('a4-ci', hexDigest('4'), {
          buildId: 'b4-ci',
          commitSha: C4,
          attestations: [provenanceBy(hexDigest('4'), C4, BUILDER_ID)],
        }),
        artifactEvent('a4-rebuild', hexDigest('4'), {
          buildId: 'b4-rebuild',
          commitSha: C4,
          attestations: [provenanceBy(hexDigest('4'), C4, REBUILDER)],
        }),

        // Not reproduced: the pipeline posted a second build event naming the rebuilder,
        // which signed nothing for the digest.
        build('b6-ci', C6, BUILDER_ID, 'sha256:inputs-6'),
        build('b6-claimed', C6, REBUILDER, 'sha256:inputs-6'),
        artifactEvent('a6-ci', hexDigest('9'), {
          buildId: 'b6-ci',
          commitSha: C6,
          attestations: [provenanceBy(hexDigest('9'), C6, BUILDER_ID)],
        }),
        artifactEvent('a6-claimed', hexDigest('9'), {
          buildId: 'b6-claimed',
          commitSha: C6,
        }),

        // Non-reproducible: b5a and b5b had the same signed inputs and produced different
        // digests; b5c resolved a newer dependency.
        build('b5a', C5, BUILDER_ID),
        build('b5b', C5, BUILDER_ID),
        build('b5c', C5, BUILDER_ID),
        artifactEvent('a5a', hexDigest('6'), {
          buildId: 'b5a',
          commitSha: C5,
          attestations: [provenanceWith(hexDigest('6'), LODASH_20)],
        }),
        artifactEvent('a5b', hexDigest('7'), {
          buildId: 'b5b',
          commitSha: C5,
          attestations: [provenanceWith(hexDigest('7'), LODASH_20)],
        }),
        artifactEvent('a5c', hexDigest('8'), {
          buildId: 'b5c',
          commitSha: C5,
          attestations: [provenanceWith(hexDigest('8'), LODASH_21)],
        }),
      ]);
    });

    afterAll(async () => {
      await backend.stop();
    });

    const deploymentsOf = async (digest: string) => {
      const res = await backend.get(`/v1/artifacts/${digest}`);
      expect(res.status).toBe(200);
      return res.body.deployments;
    };

    it('follows a promoted digest through every stage', async () => {
      expect(await deploymentsOf(hexDigest('1'))).toEqual([
        expect.objectContaining({
          id: 'p1-dev',
          environment: 'development',
          promotion: 'first-stage',
          current: false,
        }),
        expect.objectContaining({
          id: 'p1-staging',
          promotion: 'promoted',
          evidenceDeploymentId: 'p1-dev',
          current: false,
        }),
        expect.objectContaining({
          id: 'p1-prod',
          promotion: 'promoted',
          evidenceDeploymentId: 'p1-staging',
          finishedAt: '2026-04-03T10:00:00.000Z',
          current: false,
        }),
      ]);
    });

    it('calls a second digest of a tested commit rebuilt, naming the digest that was tested', async () => {
      expect(await deploymentsOf(hexDigest('b'))).toEqual([
        expect.objectContaining({
          id: 'r2-staging',
          promotion: 'rebuilt',
          evidenceDeploymentId: 'r2-dev',
          earlierArtifactDigest: hexDigest('2'),
          current: true,
        }),
      ]);
    });

    it('flags a digest that bypassed staging', async () => {
      expect(await deploymentsOf(hexDigest('3'))).toEqual([
        expect.objectContaining({
          id: 's3-dev',
          promotion: 'first-stage',
          current: true,
        }),
        expect.objectContaining({
          id: 's3-prod',
          promotion: 'skipped-stage',
          current: true,
        }),
      ]);
    });

    it('reports a digest two builders reproduced from the same inputs', async () => {
      const res = await backend.get(`/v1/artifacts/${hexDigest('4')}`);
      expect(res.body.determinism).toEqual({
        status: 'reproduced',
        commitSha: C4,
        buildIds: ['b4-ci', 'b4-rebuild'],
        inputs: 'sha256:inputs-4',
        outputs: [
          {
            artifactDigest: hexDigest('4'),
            buildIds: ['b4-ci', 'b4-rebuild'],
            builderIds: [BUILDER_ID, REBUILDER],
          },
        ],
        otherBuilds: [
          {
            buildId: 'b4-rebuild',
            builderId: REBUILDER,
            artifactDigest: hexDigest('4'),
            sameInputs: true,
            inputDifferences: [],
          },
        ],
      });
      expect(res.body.builds.map((b: any) => b.id)).toEqual([
        'b4-ci',
        'b4-rebuild',
      ]);
    });

    it('does not call a digest reproduced by a builder that signed nothing for it', async () => {
      const res = await backend.get(`/v1/artifacts/${hexDigest('9')}`);
      expect(res.body.determinism).toMatchObject({
        status: 'single-build',
        commitSha: C6,
        buildIds: ['b6-ci', 'b6-claimed'],
      });
    });

    it('reports non-reproducible builds and shows the inputs that differ from another build', async () => {
      const res = await backend.get(`/v1/artifacts/${hexDigest('6')}`);
      expect(res.body.summary).toMatchObject({
        status: 'verified',
        sourceCommit: C5,
      });
      const determinism = res.body.determinism;
      expect(determinism).toMatchObject({
        status: 'non-reproducible',
        commitSha: C5,
        buildIds: ['b5a'],
      });
      expect(determinism.outputs).toEqual([
        {
          artifactDigest: hexDigest('6'),
          buildIds: ['b5a'],
          builderIds: [BUILDER_ID],
        },
        {
          artifactDigest: hexDigest('7'),
          buildIds: ['b5b'],
          builderIds: [BUILDER_ID],
        },
      ]);
      expect(
        JSON.parse(determinism.inputs).resolvedDependencies,
      ).toContainEqual(LODASH_20);
      expect(determinism.otherBuilds).toEqual([
        expect.objectContaining({
          buildId: 'b5b',
          artifactDigest: hexDigest('7'),
          sameInputs: true,
          inputDifferences: [],
        }),
        expect.objectContaining({
          buildId: 'b5c',
          artifactDigest: hexDigest('8'),
          sameInputs: false,
          inputDifferences: [
            `resolvedDependencies: only here: ${canonical(LODASH_20)}`,
            `resolvedDependencies: only in b5c: ${canonical(LODASH_21)}`,
          ],
        }),
      ]);
    });

    it('names the commit by what the artifact, its build and its signed provenance say', async () => {
      const res = await backend.get(`/v1/artifacts/${hexDigest('6')}`);
      expect(res.body.commits).toEqual([
        expect.objectContaining({
          sha: C5,
          namedBy: ['artifact', 'build', 'provenance'],
        }),
      ]);
    });
  },
);
