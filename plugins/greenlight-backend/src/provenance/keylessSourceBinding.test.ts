import type { ProvenanceExpectations, TrustPolicy } from './policy';
import { validateTrustPolicy } from './policy';
import { verifyAttestation } from './verify';
import {
  ARTIFACT_DIGEST,
  BUILDER_ID,
  COMMIT,
  NOW,
  policyWith,
  slsaV1Statement,
} from './__testUtils__/fixtures';
import {
  createTestSigstore,
  githubWorkflowSigner,
  GITHUB_ISSUER,
  TestSigstore,
} from './__testUtils__/testSigstore';

const V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const PAYMENTS = 'https://github.com/acme/payments';
const SANDBOX = 'https://github.com/acme/sandbox';
const SANDBOX_COMMIT = 'fedcba9876543210fedcba9876543210fedcba98';
const WILDCARD =
  'https://github.com/acme/*/.github/workflows/release.yml@refs/heads/main';

/**
 * Keyless bundles from a Sigstore instance made in the test (CA chain, CT
 * log, Rekor), verified by the production code path with its production
 * thresholds: nothing is mocked and nothing is relaxed for the test.
 */
describe('keyless signers are bound to the source in their certificate', () => {
  let sigstore: TestSigstore;
  beforeAll(async () => {
    sigstore = await createTestSigstore(NOW);
  });

  const policy = (overrides: Partial<TrustPolicy> = {}): TrustPolicy => {
    const built = policyWith([], {
      trustedRoot: sigstore.trustedRoot,
      trustedIdentities: [
        {
          issuer: GITHUB_ISSUER,
          subjectPattern: WILDCARD,
          builderIds: [BUILDER_ID],
          slsaLevel: 2,
        },
      ],
      ...overrides,
    });
    validateTrustPolicy(built);
    return built;
  };
  const verify = (
    bundle: object,
    expectations: ProvenanceExpectations = { sourceRepository: PAYMENTS },
    overrides: Partial<TrustPolicy> = {},
  ) =>
    verifyAttestation({
      attestation: { mediaType: V03, content: JSON.stringify(bundle) },
      artifactDigest: ARTIFACT_DIGEST,
      policy: policy(overrides),
      expectations,
      now: NOW,
    });

  const fromPayments = () =>
    sigstore.signKeyless(
      slsaV1Statement({ repository: PAYMENTS, commit: COMMIT }),
      githubWorkflowSigner(PAYMENTS, COMMIT),
    );

  it('verifies a statement signed from the repository it names', async () => {
    expect(verify(await fromPayments())).toMatchObject({
      status: 'verified',
      identity: {
        issuer: GITHUB_ISSUER,
        subject: `${PAYMENTS}/.github/workflows/release.yml@refs/heads/main`,
      },
      builderId: BUILDER_ID,
      slsaLevel: 2,
      sourceRepository: PAYMENTS,
      sourceCommit: COMMIT,
    });
  });

  it('rejects acme/sandbox signing a statement that claims acme/payments under the wildcard identity', async () => {
    const forged = await sigstore.signKeyless(
      slsaV1Statement({ repository: PAYMENTS, commit: COMMIT }),
      githubWorkflowSigner(SANDBOX, COMMIT),
    );
    const reason = `source repository ${PAYMENTS} claimed by the provenance is not the signing certificate's ${SANDBOX}`;
    expect(verify(forged)).toEqual({ status: 'invalid', reason });
    // The claim is false whatever the entity expects.
    expect(verify(forged, {})).toEqual({ status: 'invalid', reason });
  });

  it('does not let an honest sandbox build pass for payments', async () => {
    const sandbox = await sigstore.signKeyless(
      slsaV1Statement({ repository: SANDBOX, commit: SANDBOX_COMMIT }),
      githubWorkflowSigner(SANDBOX, SANDBOX_COMMIT),
    );
    expect(verify(sandbox)).toEqual({
      status: 'invalid',
      reason: `source repository ${SANDBOX} is not the expected ${PAYMENTS}`,
    });
    expect(verify(sandbox, { sourceRepository: SANDBOX })).toMatchObject({
      status: 'verified',
      sourceRepository: SANDBOX,
    });
  });

  it('rejects a claimed commit the certificate was not issued for', async () => {
    const bundle = await sigstore.signKeyless(
      slsaV1Statement({ repository: PAYMENTS, commit: COMMIT }),
      githubWorkflowSigner(PAYMENTS, SANDBOX_COMMIT),
    );
    expect(verify(bundle)).toEqual({
      status: 'invalid',
      reason: `source commit ${COMMIT} claimed by the provenance is not the signing certificate's ${SANDBOX_COMMIT}`,
    });
  });

  it('rejects a claimed ref the certificate was not issued for', async () => {
    const bundle = await sigstore.signKeyless(
      slsaV1Statement({ repository: PAYMENTS, ref: 'refs/heads/release' }),
      githubWorkflowSigner(PAYMENTS, COMMIT),
    );
    expect(verify(bundle)).toEqual({
      status: 'invalid',
      reason:
        "source ref refs/heads/release claimed by the provenance is not the signing certificate's refs/heads/main",
    });
  });

  it('cannot confirm an expected source from a certificate without source extensions', async () => {
    const bundle = await sigstore.signKeyless(
      slsaV1Statement({ repository: PAYMENTS }),
      githubWorkflowSigner(PAYMENTS, COMMIT, {
        sourceRepository: undefined,
        sourceRef: undefined,
        sourceDigest: undefined,
      }),
    );
    expect(verify(bundle)).toEqual({
      status: 'invalid',
      reason: `the signing certificate names no source repository, so the expected source ${PAYMENTS} cannot be confirmed`,
    });
  });

  it('holds an identity to the source repositories and refs it names', async () => {
    const pinned = {
      trustedIdentities: [
        {
          issuer: GITHUB_ISSUER,
          subjectPattern: WILDCARD,
          sourceRepositories: [PAYMENTS],
          sourceRefs: ['refs/heads/main'],
          builderIds: [BUILDER_ID],
          slsaLevel: 2 as const,
        },
      ],
    };
    expect(verify(await fromPayments(), undefined, pinned).status).toBe(
      'verified',
    );
    const sandbox = await sigstore.signKeyless(
      slsaV1Statement({ repository: SANDBOX }),
      githubWorkflowSigner(SANDBOX, COMMIT),
    );
    expect(verify(sandbox, {}, pinned)).toEqual({
      status: 'unverifiable',
      reason: `signer identity ${SANDBOX}/.github/workflows/release.yml@refs/heads/main (issuer ${GITHUB_ISSUER}, source ${SANDBOX}, ref refs/heads/main) is not trusted`,
    });
  });

  it('applies the threshold to keyless bundles: one certificate is one signer', async () => {
    expect(verify(await fromPayments(), undefined, { threshold: 2 })).toEqual({
      status: 'invalid',
      reason: 'only 1 of required 2 distinct trusted signers signed',
    });
  });

  it('rejects a certificate from another CA', async () => {
    const elsewhere = await createTestSigstore(NOW);
    const bundle = await elsewhere.signKeyless(
      slsaV1Statement({ repository: PAYMENTS, commit: COMMIT }),
      githubWorkflowSigner(PAYMENTS, COMMIT),
    );
    const verdict = verify(bundle);
    expect(verdict.status).toBe('invalid');
    expect(verdict).toMatchObject({
      reason: expect.stringContaining('certificate'),
    });
  });

  it('rejects a certificate whose issuer is not the trusted one', async () => {
    const bundle = await sigstore.signKeyless(
      slsaV1Statement({ repository: PAYMENTS, commit: COMMIT }),
      githubWorkflowSigner(PAYMENTS, COMMIT, {
        issuer: 'https://token.evil.example',
      }),
    );
    expect(verify(bundle).status).toBe('unverifiable');
  });

  it.each([
    ['the CT log', 'ctlogs'],
    ['the transparency log', 'tlogs'],
    ['the CA', 'certificateAuthorities'],
  ])(
    'rejects a genuine bundle when the trust root does not hold %s',
    async (_, part) => {
      const root = { ...sigstore.trustedRoot, [part]: [] };
      expect(
        verify(await fromPayments(), undefined, { trustedRoot: root }).status,
      ).toBe('invalid');
    },
  );

  it('rejects a log entry timestamp the log did not sign', async () => {
    const bundle = (await fromPayments()) as {
      verificationMaterial: {
        tlogEntries: Array<{ integratedTime: string; inclusionProof?: object }>;
      };
    };
    const [entry] = bundle.verificationMaterial.tlogEntries;
    entry.integratedTime = String(Number(entry.integratedTime) - 30);
    expect(verify(bundle).status).toBe('invalid');
  });

  it('rejects a bundle whose log entry is missing', async () => {
    const bundle = (await fromPayments()) as {
      verificationMaterial: { tlogEntries: unknown[] };
    };
    bundle.verificationMaterial.tlogEntries = [];
    expect(verify(bundle).status).toBe('invalid');
  });

  it('rejects a statement swapped into a genuine bundle', async () => {
    const genuine = (await fromPayments()) as {
      dsseEnvelope: { payload: string };
    };
    genuine.dsseEnvelope.payload = Buffer.from(
      JSON.stringify(slsaV1Statement({ repository: SANDBOX })),
    ).toString('base64');
    expect(verify(genuine, {}).status).toBe('invalid');
  });
});
