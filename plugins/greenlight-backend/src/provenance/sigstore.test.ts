import { createHash, createPublicKey } from 'node:crypto';
import { Verifier } from '@sigstore/verify';
import { matchingIdentities } from './sigstore';
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
      reason: 'only 1 of required 2 trusted keys signed the bundle',
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
    expect(matchingIdentities(identities, issuer, good)).toHaveLength(1);
    expect(
      matchingIdentities(identities, 'https://accounts.example.com', good),
    ).toHaveLength(0);
    expect(
      matchingIdentities(
        identities,
        issuer,
        'https://github.com/acme/payments/.github/workflows/release.yml@refs/heads/main-evil',
      ),
    ).toHaveLength(0);
    expect(
      matchingIdentities(
        identities,
        issuer,
        'https://github.com/acme/a/b/.github/workflows/release.yml@refs/heads/main',
      ),
    ).toHaveLength(0);
  });
});
