import type { BuildView } from '@greenlight/backstage-plugin-greenlight-common';
import type {
  AttestationStore,
  StoredVerdict,
} from '../store/AttestationStore';
import type { TraceabilityStore } from '../store/TraceabilityStore';
import { determinismFor } from './determinismView';

const COMMIT = 'c'.repeat(40);
const D = `sha256:${'d'.repeat(64)}`;
const CI = 'https://ci.example/builder';
const REBUILDER = 'https://rebuilder.example';
const INPUTS = JSON.stringify({
  externalParameters: { workflow: { path: '.github/workflows/release.yml' } },
  resolvedDependencies: [],
});

function build(id: string, builder: string, inputsDigest?: string): BuildView {
  return {
    id,
    repository: null,
    commitSha: COMMIT,
    url: null,
    builder,
    buildType: null,
    inputsDigest: inputsDigest ?? null,
    status: 'succeeded',
    startedAt: null,
    finishedAt: null,
  };
}

function verified(builderId: string, attestationId: string): StoredVerdict {
  return {
    verifier: 'greenlight',
    status: 'verified',
    builderId,
    buildInputs: INPUTS,
    verifiedAt: 0,
    attestationId,
    artifactDigest: D,
    policyFingerprint: 'fp',
  };
}

/** Every build made digest D; the verdicts are those stored for D. */
function determinism(builds: BuildView[], verdicts: StoredVerdict[]) {
  const traceability = {
    artifactsOfCommit: async () => [],
    buildsNamedByArtifactEvents: async () =>
      builds.map(b => ({ digest: D, buildId: b.id })),
    builds: async (ids: string[]) => builds.filter(b => ids.includes(b.id)),
  } as unknown as TraceabilityStore;
  const attestations = {
    verdictsFor: async () => verdicts,
  } as unknown as AttestationStore;
  return determinismFor({
    traceability,
    attestations,
    digest: D,
    commitSha: COMMIT,
  });
}

describe('determinismFor', () => {
  it('does not let a build event name a builder that no verified statement vouches for', async () => {
    // The pipeline's own build, signed by CI, and a second build event it posted for the same
    // digest claiming another builder: the rebuilder never signed anything for D.
    const view = await determinism(
      [build('b-ci', CI), build('b-claimed', REBUILDER)],
      [verified(CI, 'att-ci')],
    );
    expect(view?.status).toBe('single-build');
    expect(view?.otherBuilds).toEqual([
      expect.objectContaining({ buildId: 'b-claimed', sameInputs: false }),
    ]);
  });

  it('does not count a self-reported inputs digest from an unvouched builder', async () => {
    const view = await determinism(
      [
        build('b-ci', CI, 'sha256:inputs'),
        build('b-claimed', REBUILDER, 'sha256:inputs'),
      ],
      [verified(CI, 'att-ci')],
    );
    expect(view?.status).toBe('single-build');
  });

  it('reports reproduced when each builder signed verified provenance for the digest', async () => {
    const view = await determinism(
      [build('b-ci', CI), build('b-rebuild', REBUILDER)],
      [verified(CI, 'att-ci'), verified(REBUILDER, 'att-rebuild')],
    );
    expect(view).toMatchObject({
      status: 'reproduced',
      buildIds: ['b-ci', 'b-rebuild'],
      outputs: [{ artifactDigest: D, builderIds: [CI, REBUILDER] }],
    });
    expect(JSON.parse(view!.inputs!).externalParameters.workflow.path).toBe(
      '.github/workflows/release.yml',
    );
  });
});
