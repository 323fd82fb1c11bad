import { createHash, createPublicKey } from 'node:crypto';
import { Verifier } from '@sigstore/verify';
import { matchingIdentities } from './sigstore';
import {
  conformanceBundle,
  CONFORMANCE_KEY_PEM,
  CONFORMANCE_SUBJECT_DIGEST,
  CONFORMANCE_TRUSTED_ROOT,
  KEYLESS_ISSUER,
  KEYLESS_SUBJECT,
  KEYLESS_SUBJECT_DIGEST,
  keylessBundle as conformanceKeylessBundle,
  publicGoodTrustedRoot,
} from './__testUtils__/conformance';
import { verifyAttestation } from './verify';
import type { TrustedIdentity, TrustPolicy } from './policy';
import {
  ARTIFACT_DIGEST,
  BUILDER_ID,
  generateTestKey,
  NOW,
  OTHER_DIGEST_HEX,
  policyWith,
  signEnvelope,
  slsaV1Statement,
  TestKey,
  trustedKey,
} from './__testUtils__/fixtures';

const V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const V02 = 'application/vnd.dev.sigstore.bundle+json;version=0.2';

/** A keyed bundle as `cosign attest-blob --tlog-upload=false` shapes it. */
function keyedBundle(
  statement: unknown,
  key: TestKey,
  mediaType = V03,
  hint = key.keyId,
) {
  const envelope = signEnvelope(statement, [key], { keyids: false });
  return {
    mediaType,
    verificationMaterial: {
      publicKey: { hint },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payload: envelope.payload,
      payloadType: envelope.payloadType,
      signatures: [{ sig: envelope.signatures[0].sig, keyid: '' }],
    },
  };
}

function keylessBundle(statement: unknown, key: TestKey) {
  const { verificationMaterial, ...rest } = keyedBundle(statement, key);
  return {
    ...rest,
    verificationMaterial: {
      ...verificationMaterial,
      publicKey: undefined,
      certificate: {
        rawBytes: Buffer.from('not a real certificate').toString('base64'),
      },
    },
  };
}

function verifyBundle(bundle: unknown, policy: TrustPolicy, mediaType = V03) {
  return verifyAttestation({
    attestation: { mediaType, content: JSON.stringify(bundle) },
    artifactDigest: ARTIFACT_DIGEST,
    policy,
    now: NOW,
  });
}

describe('keyed Sigstore bundles', () => {
  const p256 = generateTestKey('bundle-key', 'ecdsa-p256-sha256');
  const policy = policyWith([trustedKey(p256)]);

  afterEach(() => jest.restoreAllMocks());

  it('verifies offline through @sigstore/verify against the configured key', () => {
    const verify = jest.spyOn(Verifier.prototype, 'verify');
    expect(
      verifyBundle(keyedBundle(slsaV1Statement(), p256), policy),
    ).toMatchObject({
      status: 'verified',
      keyId: 'bundle-key',
      builderId: BUILDER_ID,
    });
    expect(verify).toHaveBeenCalledTimes(1);
    expect(verify).toHaveReturned();
  });

  it('accepts the v0.2 bundle media type', () => {
    expect(
      verifyBundle(keyedBundle(slsaV1Statement(), p256, V02), policy, V02)
        .status,
    ).toBe('verified');
  });

  it.each([
    ['ecdsa-p384-sha384'],
    ['ed25519'],
    ['rsa-pss-sha256'],
    ['rsa-pkcs1v15-sha256'],
  ] as const)('verifies a %s keyed bundle', algorithm => {
    const key = generateTestKey('k', algorithm);
    expect(
      verifyBundle(
        keyedBundle(slsaV1Statement(), key),
        policyWith([trustedKey(key)]),
      ).status,
    ).toBe('verified');
  });

  it('rejects a bundle signed by another key under the trusted hint', () => {
    const impostor = {
      ...generateTestKey('x', 'ecdsa-p256-sha256'),
      keyId: 'bundle-key',
    };
    expect(
      verifyBundle(keyedBundle(slsaV1Statement(), impostor), policy),
    ).toEqual({
      status: 'invalid',
      reason: 'signature does not verify for key bundle-key',
    });
  });

  it('rejects a P-384 bundle whose signature is for other content', () => {
    const key = generateTestKey('p384', 'ecdsa-p384-sha384');
    const bundle = keyedBundle(slsaV1Statement(), key);
    const other = keyedBundle(
      slsaV1Statement({ digestHex: OTHER_DIGEST_HEX }),
      key,
    );
    bundle.dsseEnvelope.signatures = other.dsseEnvelope.signatures;
    expect(verifyBundle(bundle, policyWith([trustedKey(key)]))).toEqual({
      status: 'invalid',
      reason: 'signature does not verify for key p384',
    });
  });

  it('rejects a statement about another artifact', () => {
    expect(
      verifyBundle(
        keyedBundle(slsaV1Statement({ digestHex: OTHER_DIGEST_HEX }), p256),
        policy,
      ),
    ).toEqual({ status: 'invalid', reason: 'subject digest mismatch' });
  });

  it('cannot verify a key hint it does not know', () => {
    expect(
      verifyBundle(
        keyedBundle(slsaV1Statement(), p256, V03, 'elsewhere'),
        policy,
      ),
    ).toEqual({ status: 'unverifiable', reason: 'unknown key id elsewhere' });
  });

  it('also finds the key when the hint is a digest of the public key', () => {
    const der = createPublicKey(p256.publicKeyPem).export({
      format: 'der',
      type: 'spki',
    });
    const hint = createHash('sha256').update(der).digest('base64');
    expect(
      verifyBundle(keyedBundle(slsaV1Statement(), p256, V03, hint), policy),
    ).toMatchObject({ status: 'verified', keyId: 'bundle-key' });
  });

  it('needs a trust root when the policy requires a transparency log', () => {
    expect(
      verifyBundle(
        keyedBundle(slsaV1Statement(), p256),
        policyWith([trustedKey(p256)], { requireTransparencyLog: true }),
      ),
    ).toEqual({ status: 'unverifiable', reason: 'no trust root' });
  });

  it('cannot meet a threshold above one with a single bundle signature', () => {
    expect(
      verifyBundle(
        keyedBundle(slsaV1Statement(), p256),
        policyWith([trustedKey(p256)], { threshold: 2 }),
      ),
    ).toEqual({
      status: 'invalid',
      reason: 'only 1 of required 2 distinct trusted signers signed',
    });
  });

  it('rejects a non-canonical base64 payload that Node alone would accept', () => {
    const bundle = keyedBundle(slsaV1Statement(), p256);
    bundle.dsseEnvelope.payload = `${bundle.dsseEnvelope.payload.slice(
      0,
      8,
    )}\n${bundle.dsseEnvelope.payload.slice(8)}`;
    expect(verifyBundle(bundle, policy)).toEqual({
      status: 'invalid',
      reason: 'envelope payload is not valid base64',
    });
  });

  it('does not accept message signature bundles as provenance', () => {
    const { dsseEnvelope: _, ...rest } = keyedBundle(slsaV1Statement(), p256);
    const bundle = {
      ...rest,
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: 'AAAA' },
        signature: 'AAAA',
      },
    };
    expect(verifyBundle(bundle, policy)).toEqual({
      status: 'unverifiable',
      reason: 'message signature bundles carry no provenance statement',
    });
  });

  it('rejects an unknown bundle version', () => {
    const bundle = {
      ...keyedBundle(slsaV1Statement(), p256),
      mediaType: 'application/vnd.dev.sigstore.bundle.v9.9+json',
    };
    expect(verifyBundle(bundle, policy)).toEqual({
      status: 'unverifiable',
      reason:
        'unsupported sigstore bundle media type application/vnd.dev.sigstore.bundle.v9.9+json',
    });
  });
});

describe('a keyed bundle with a transparency-log entry (Sigstore conformance data)', () => {
  const policy = (overrides: Partial<TrustPolicy> = {}) =>
    policyWith(
      [
        {
          keyId: 'conformance',
          publicKeyPem: CONFORMANCE_KEY_PEM,
          builderIds: [BUILDER_ID],
          slsaLevel: 2,
        },
      ],
      {
        trustedRoot: CONFORMANCE_TRUSTED_ROOT,
        requireTransparencyLog: true,
        ...overrides,
      },
    );
  const run = (bundle: object, overrides: Partial<TrustPolicy> = {}) =>
    verifyAttestation({
      attestation: { mediaType: V03, content: bundle },
      artifactDigest: CONFORMANCE_SUBJECT_DIGEST,
      policy: policy(overrides),
      now: NOW,
    });
  // The statement is not SLSA provenance, so the best this bundle can reach is
  // the predicate check, which comes after the signature and the log entry.
  const passedSignatureAndLog = {
    status: 'unverifiable',
    reason: 'unsupported predicate type https://example.com/test',
  };

  it('verifies the signature and the log inclusion against the trust root', () => {
    expect(run(conformanceBundle())).toEqual(passedSignatureAndLog);
  });

  it('verifies the signature offline when the log is not required', () => {
    expect(
      run(conformanceBundle(), {
        trustedRoot: undefined,
        requireTransparencyLog: false,
      }),
    ).toEqual(passedSignatureAndLog);
  });

  it('rejects a checkpoint the log did not sign', () => {
    const bundle = conformanceBundle();
    const proof = bundle.verificationMaterial.tlogEntries[0].inclusionProof;
    const forgedRoot = Buffer.alloc(32, 1).toString('base64');
    proof.checkpoint.envelope = proof.checkpoint.envelope.replace(
      proof.rootHash,
      forgedRoot,
    );
    proof.rootHash = forgedRoot;
    expect(run(bundle).status).toBe('invalid');
  });

  it('rejects an inclusion proof for a larger tree it cannot support', () => {
    const bundle = conformanceBundle();
    const proof = bundle.verificationMaterial.tlogEntries[0].inclusionProof;
    proof.hashes = [Buffer.alloc(32, 2).toString('base64')];
    expect(run(bundle).status).toBe('invalid');
  });

  it('rejects a log entry for another envelope', () => {
    const bundle = conformanceBundle();
    const entry = bundle.verificationMaterial.tlogEntries[0];
    entry.canonicalizedBody = Buffer.from(
      Buffer.from(entry.canonicalizedBody, 'base64')
        .toString('utf8')
        .replace('ce3eb001', 'ce3eb002'),
    ).toString('base64');
    expect(run(bundle).status).toBe('invalid');
  });

  it('rejects a bundle without a log entry when the policy requires one', () => {
    const bundle = conformanceBundle();
    bundle.verificationMaterial.tlogEntries = [];
    expect(run(bundle)).toEqual({
      status: 'invalid',
      reason: 'sigstore verification failed: expected 1 tlog entries, got 0',
    });
  });
});

describe('a keyless bundle from GitHub Actions (Sigstore conformance data)', () => {
  const trusted: TrustedIdentity = {
    issuer: KEYLESS_ISSUER,
    subjectPattern:
      'https://github.com/sigstore-conformance/*/.github/workflows/*.yml@refs/heads/main',
    builderIds: [BUILDER_ID],
    slsaLevel: 3,
  };
  const run = (
    bundle: object,
    overrides: Partial<TrustPolicy> = {},
    artifactDigest = KEYLESS_SUBJECT_DIGEST,
  ) =>
    verifyAttestation({
      attestation: { mediaType: V03, content: bundle },
      artifactDigest,
      policy: policyWith([], {
        trustedRoot: publicGoodTrustedRoot(),
        trustedIdentities: [trusted],
        ...overrides,
      }),
      now: NOW,
    });
  // Not SLSA provenance: reaching the predicate check means the certificate
  // chain, SCT, log inclusion, signature and identity all passed.
  const passedEverythingElse = {
    status: 'unverifiable',
    reason: 'unsupported predicate type https://example.com/predicate/v1',
  };

  it('verifies certificate, SCT, log inclusion, signature and identity offline', () => {
    expect(run(conformanceKeylessBundle())).toEqual(passedEverythingElse);
  });

  it('checks the subject before the predicate', () => {
    expect(
      run(conformanceKeylessBundle(), {}, `sha256:${OTHER_DIGEST_HEX}`),
    ).toEqual({
      status: 'invalid',
      reason: 'subject digest mismatch',
    });
  });

  it.each<[string, Partial<TrustedIdentity>]>([
    ['another subject', { subjectPattern: 'https://github.com/acme/**' }],
    ['another issuer', { issuer: 'https://accounts.google.com' }],
  ])('does not trust a signer with %s', (_, change) => {
    expect(
      run(conformanceKeylessBundle(), {
        trustedIdentities: [{ ...trusted, ...change }],
      }),
    ).toEqual({
      status: 'unverifiable',
      // The source comes from the Fulcio extensions of the real certificate.
      reason: `signer identity ${KEYLESS_SUBJECT} (issuer ${KEYLESS_ISSUER}, source https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon, ref refs/heads/main) is not trusted`,
    });
  });

  it('rejects a changed payload', () => {
    const bundle = conformanceKeylessBundle();
    const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
    payload[payload.length - 3] ^= 1;
    bundle.dsseEnvelope.payload = payload.toString('base64');
    expect(run(bundle).status).toBe('invalid');
  });

  it('rejects a certificate from a CA the trust root does not hold', () => {
    const root = publicGoodTrustedRoot();
    root.certificateAuthorities = root.certificateAuthorities.slice(0, 1);
    expect(run(conformanceKeylessBundle(), { trustedRoot: root }).status).toBe(
      'invalid',
    );
  });

  it('rejects a certificate without a trusted SCT', () => {
    const root = publicGoodTrustedRoot();
    root.ctlogs = root.ctlogs.slice(0, 1);
    expect(run(conformanceKeylessBundle(), { trustedRoot: root }).status).toBe(
      'invalid',
    );
  });

  it('rejects a bundle without its log entry', () => {
    const bundle = conformanceKeylessBundle();
    bundle.verificationMaterial.tlogEntries = [];
    expect(run(bundle).status).toBe('invalid');
  });
});

describe('keyless Sigstore bundles', () => {
  const key = generateTestKey('ephemeral', 'ecdsa-p256-sha256');
  const identities: TrustedIdentity[] = [
    {
      issuer: 'https://token.actions.githubusercontent.com',
      subjectPattern:
        'https://github.com/acme/*/.github/workflows/release.yml@refs/heads/main',
      builderIds: [BUILDER_ID],
      slsaLevel: 3,
    },
  ];

  it('is unverifiable without a trust root', () => {
    expect(
      verifyBundle(
        keylessBundle(slsaV1Statement(), key),
        policyWith([trustedKey(key)], { trustedIdentities: identities }),
      ),
    ).toEqual({ status: 'unverifiable', reason: 'no trust root' });
  });

  it('is invalid when the certificate does not chain to the trust root', () => {
    const verdict = verifyBundle(
      keylessBundle(slsaV1Statement(), key),
      policyWith([], {
        trustedIdentities: identities,
        trustedRoot: {
          mediaType:
            'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
          tlogs: [],
          certificateAuthorities: [],
          ctlogs: [],
          timestampAuthorities: [],
        },
      }),
    );
    expect(verdict.status).toBe('invalid');
  });

  it('matches identities on exact issuer and anchored subject pattern', () => {
    const issuer = 'https://token.actions.githubusercontent.com';
    const good =
      'https://github.com/acme/payments/.github/workflows/release.yml@refs/heads/main';
    const match = (i: string, subject: string) =>
      matchingIdentities(identities, { issuer: i, subject, source: {} });
    expect(match(issuer, good)).toHaveLength(1);
    expect(match('https://accounts.example.com', good)).toHaveLength(0);
    expect(
      match(
        issuer,
        'https://github.com/acme/payments/.github/workflows/release.yml@refs/heads/main-evil',
      ),
    ).toHaveLength(0);
    expect(
      match(
        issuer,
        'https://github.com/acme/a/b/.github/workflows/release.yml@refs/heads/main',
      ),
    ).toHaveLength(0);
  });

  it('matches an identity that names source repositories and refs only on certificates that carry them', () => {
    const issuer = 'https://token.actions.githubusercontent.com';
    const subject =
      'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0';
    const generator: TrustedIdentity = {
      issuer,
      subjectPattern:
        'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.*',
      sourceRepositories: ['https://github.com/acme/*'],
      sourceRefs: ['refs/heads/main', 'refs/tags/v*'],
      builderIds: [BUILDER_ID],
      slsaLevel: 3,
    };
    const match = (source: object) =>
      matchingIdentities([generator], { issuer, subject, source });
    expect(
      match({
        sourceRepository: 'https://github.com/acme/payments',
        sourceRef: 'refs/tags/v1.2.0',
      }),
    ).toHaveLength(1);
    expect(
      match({
        sourceRepository: 'https://github.com/evil/payments',
        sourceRef: 'refs/heads/main',
      }),
    ).toHaveLength(0);
    expect(
      match({
        sourceRepository: 'https://github.com/acme/payments',
        sourceRef: 'refs/heads/feature',
      }),
    ).toHaveLength(0);
    expect(match({})).toHaveLength(0);
  });
});
