import { summariseVerdicts, Verdict } from './verdict';
import { verifyAttestation, VerifyAttestationRequest } from './verify';
import type { SignatureAlgorithm } from './keys';
import type { TrustPolicy } from './policy';
import {
  ARTIFACT_DIGEST,
  ARTIFACT_HEX,
  BUILDER_ID,
  BUILD_TYPE,
  COMMIT,
  generateTestKey,
  NOW,
  OTHER_DIGEST_HEX,
  policyWith,
  REPOSITORY,
  signEnvelope,
  slsaV1Statement,
  trustedKey,
} from './__testUtils__/fixtures';

const DSSE = 'application/vnd.dsse.envelope.v1+json';

function verify(
  envelope: unknown,
  policy: TrustPolicy,
  extra: Partial<VerifyAttestationRequest> = {},
): Verdict {
  return verifyAttestation({
    attestation: { mediaType: DSSE, content: JSON.stringify(envelope) },
    artifactDigest: ARTIFACT_DIGEST,
    policy,
    now: NOW,
    ...extra,
  });
}

describe('verifyAttestation with DSSE envelopes', () => {
  const signer = generateTestKey('release', 'ecdsa-p256-sha256');
  const policy = policyWith([trustedKey(signer)]);

  it('returns a full verified verdict', () => {
    expect(verify(signEnvelope(slsaV1Statement(), [signer]), policy)).toEqual({
      status: 'verified',
      keyId: 'release',
      keyIds: ['release'],
      builderId: BUILDER_ID,
      slsaLevel: 3,
      buildType: BUILD_TYPE,
      predicateType: 'https://slsa.dev/provenance/v1',
      sourceRepository: REPOSITORY,
      sourceCommit: COMMIT,
      invocationId: `${REPOSITORY}/actions/runs/42/attempts/1`,
      subjects: [{ name: 'payments.tgz', digest: { sha256: ARTIFACT_HEX } }],
      verifiedAt: NOW.toISOString(),
    });
  });

  const algorithms: Array<[SignatureAlgorithm, 'der' | 'ieee-p1363' | '']> = [
    ['ecdsa-p256-sha256', 'der'],
    ['ecdsa-p256-sha256', 'ieee-p1363'],
    ['ecdsa-p384-sha384', 'der'],
    ['ecdsa-p384-sha384', 'ieee-p1363'],
    ['ed25519', ''],
    ['rsa-pss-sha256', ''],
    ['rsa-pkcs1v15-sha256', ''],
  ];
  it.each(algorithms)('verifies %s %s end to end', (algorithm, encoding) => {
    const key = generateTestKey(
      `k-${algorithm}`,
      algorithm,
      encoding || undefined,
    );
    const verdict = verify(
      signEnvelope(slsaV1Statement(), [key]),
      policyWith([trustedKey(key)]),
    );
    expect(verdict).toMatchObject({ status: 'verified', keyId: key.keyId });
  });

  it('accepts the artifact digest in upper case and the subject in mixed case', () => {
    const envelope = signEnvelope(
      slsaV1Statement({ digestHex: ARTIFACT_HEX.toUpperCase() }),
      [signer],
    );
    expect(
      verify(envelope, policy, {
        artifactDigest: `sha256:${ARTIFACT_HEX.toUpperCase()}`,
      }).status,
    ).toBe('verified');
  });

  it.each<[string, () => Verdict, Verdict]>([
    [
      'a signature by another key under a trusted key id',
      () =>
        verify(
          signEnvelope(slsaV1Statement(), [
            { ...generateTestKey('x', 'ecdsa-p256-sha256'), keyId: 'release' },
          ]),
          policy,
        ),
      {
        status: 'invalid',
        reason: 'signature does not verify for key release',
      },
    ],
    [
      'a statement about another artifact',
      () =>
        verify(
          signEnvelope(slsaV1Statement({ digestHex: OTHER_DIGEST_HEX }), [
            signer,
          ]),
          policy,
        ),
      { status: 'invalid', reason: 'subject digest mismatch' },
    ],
    [
      'a builder the key may not vouch for',
      () =>
        verify(
          signEnvelope(
            slsaV1Statement({ builderId: 'https://ci.example/rogue' }),
            [signer],
          ),
          policy,
        ),
      {
        status: 'invalid',
        reason:
          'builder id https://ci.example/rogue not allowed for key release',
      },
    ],
    [
      'a build from another repository',
      () =>
        verify(
          signEnvelope(
            slsaV1Statement({
              repository: 'https://github.com/mallory/payments',
            }),
            [signer],
          ),
          policy,
          { expectations: { sourceRepository: 'github.com/acme/payments' } },
        ),
      {
        status: 'invalid',
        reason:
          'source repository https://github.com/mallory/payments is not the expected github.com/acme/payments',
      },
    ],
    [
      'a builder the entity does not allow',
      () =>
        verify(signEnvelope(slsaV1Statement(), [signer]), policy, {
          expectations: { allowedBuilderIds: ['https://ci.example/only'] },
        }),
      {
        status: 'invalid',
        reason: `builder id ${BUILDER_ID} not allowed by the expectations`,
      },
    ],
    [
      'an unexpected build type from the policy defaults',
      () =>
        verify(
          signEnvelope(slsaV1Statement(), [signer]),
          policyWith([trustedKey(signer)], {
            defaults: { buildTypes: ['https://example.com/other'] },
          }),
        ),
      {
        status: 'invalid',
        reason: `build type ${BUILD_TYPE} is not an expected build type`,
      },
    ],
    [
      'an unknown key id',
      () =>
        verify(
          signEnvelope(slsaV1Statement(), [
            generateTestKey('ghost', 'ed25519'),
          ]),
          policy,
        ),
      { status: 'unverifiable', reason: 'unknown key id ghost' },
    ],
    [
      'no trusted keys at all',
      () => verify(signEnvelope(slsaV1Statement(), [signer]), policyWith([])),
      { status: 'unverifiable', reason: 'no trusted keys configured' },
    ],
    [
      'an unsupported media type',
      () =>
        verifyAttestation({
          attestation: { mediaType: 'application/json', content: '{}' },
          artifactDigest: ARTIFACT_DIGEST,
          policy,
          now: NOW,
        }),
      {
        status: 'unverifiable',
        reason: 'unsupported media type application/json',
      },
    ],
    [
      'a SHA-1 artifact digest',
      () =>
        verify(signEnvelope(slsaV1Statement(), [signer]), policy, {
          artifactDigest: `sha1:${'a'.repeat(40)}`,
        }),
      {
        status: 'unverifiable',
        reason: `artifact digest sha1:${'a'.repeat(
          40,
        )} is not a sha256, sha384 or sha512 digest`,
      },
    ],
    [
      'a payload type other than in-toto',
      () =>
        verify(
          signEnvelope(slsaV1Statement(), [signer], {
            payloadType: 'application/vnd.example+json',
          }),
          policy,
        ),
      {
        status: 'unverifiable',
        reason: 'unsupported payload type application/vnd.example+json',
      },
    ],
  ])('rejects %s', (_, run, expected) => {
    expect(run()).toEqual(expected);
  });

  it('tells unsigned-by-us apart from forged when no keyid is given', () => {
    const stranger = generateTestKey('s', 'ed25519');
    expect(
      verify(
        signEnvelope(slsaV1Statement(), [stranger], { keyids: false }),
        policy,
      ),
    ).toEqual({
      status: 'unverifiable',
      reason: 'no trusted key verifies the signature',
    });
  });

  it('accepts the content as bytes or as parsed JSON', () => {
    const envelope = signEnvelope(slsaV1Statement(), [signer]);
    for (const content of [Buffer.from(JSON.stringify(envelope)), envelope]) {
      expect(
        verifyAttestation({
          attestation: { mediaType: DSSE, content },
          artifactDigest: ARTIFACT_DIGEST,
          policy,
          now: NOW,
        }).status,
      ).toBe('verified');
    }
  });

  it('verifies an envelope re-encoded in URL-safe base64 without padding', () => {
    const envelope = signEnvelope(slsaV1Statement(), [signer]);
    const urlSafe = {
      ...envelope,
      payload: Buffer.from(envelope.payload, 'base64').toString('base64url'),
      signatures: envelope.signatures.map(s => ({
        ...s,
        sig: Buffer.from(s.sig, 'base64').toString('base64url'),
      })),
    };
    expect(verify(urlSafe, policy).status).toBe('verified');
  });

  it('reads builder ids as globs', () => {
    const globPolicy = policyWith([
      trustedKey(signer, {
        builderIds: [
          'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/*@refs/tags/v2.*',
        ],
      }),
    ]);
    expect(
      verify(signEnvelope(slsaV1Statement(), [signer]), globPolicy).status,
    ).toBe('verified');
  });
});

describe('thresholds over DSSE envelopes', () => {
  const a = generateTestKey('a', 'ed25519');
  const b = generateTestKey('b', 'ecdsa-p384-sha384');
  const c = generateTestKey('c', 'rsa-pkcs1v15-sha256');

  function twoOfThree(levels: [number, number, number] = [3, 2, 1]) {
    return policyWith(
      [
        trustedKey(a, { slsaLevel: levels[0] as 3 }),
        trustedKey(b, { slsaLevel: levels[1] as 2 }),
        trustedKey(c, { slsaLevel: levels[2] as 1 }),
      ],
      { threshold: 2 },
    );
  }

  it('verifies with two distinct signers and grants the weaker level', () => {
    expect(
      verify(signEnvelope(slsaV1Statement(), [a, b]), twoOfThree()),
    ).toMatchObject({ status: 'verified', keyIds: ['a', 'b'], slsaLevel: 2 });
  });

  it('does not let one signer meet the threshold by signing twice', () => {
    expect(
      verify(signEnvelope(slsaV1Statement(), [a, a]), twoOfThree()),
    ).toEqual({
      status: 'invalid',
      reason: 'only 1 of required 2 distinct trusted signers signed',
    });
  });

  it('needs the builder to be allowed for enough of the signers', () => {
    const policy = twoOfThree();
    policy.trustedKeys[1] = trustedKey(b, { builderIds: ['https://other'] });
    expect(verify(signEnvelope(slsaV1Statement(), [a, b]), policy)).toEqual({
      status: 'invalid',
      reason: `builder id ${BUILDER_ID} not allowed for key b`,
    });
  });
});

describe('SLSA v0.2 provenance', () => {
  it('verifies and reports the config source', () => {
    const key = generateTestKey('legacy', 'ed25519');
    const statement = {
      _type: 'https://in-toto.io/Statement/v0.1',
      subject: [{ name: 'app', digest: { sha256: ARTIFACT_HEX } }],
      predicateType: 'https://slsa.dev/provenance/v0.2',
      predicate: {
        builder: { id: BUILDER_ID },
        buildType:
          'https://github.com/slsa-framework/slsa-github-generator/generic@v1',
        invocation: {
          configSource: {
            uri: 'git+https://github.com/acme/payments@refs/tags/v1.2.3',
            digest: { sha1: COMMIT },
            entryPoint: '.github/workflows/release.yml',
          },
        },
        materials: [],
      },
    };
    expect(
      verify(signEnvelope(statement, [key]), policyWith([trustedKey(key)]), {
        expectations: {
          sourceRepository: 'https://github.com/acme/payments.git',
        },
      }),
    ).toMatchObject({
      status: 'verified',
      sourceRepository: REPOSITORY,
      sourceCommit: COMMIT,
    });
  });
});

describe('summariseVerdicts', () => {
  const verified: Verdict = {
    status: 'verified',
    keyId: 'k',
    builderId: BUILDER_ID,
    slsaLevel: 3,
    buildType: BUILD_TYPE,
    predicateType: 'https://slsa.dev/provenance/v1',
    subjects: [],
    verifiedAt: NOW.toISOString(),
  };
  const invalid: Verdict = {
    status: 'invalid',
    reason: 'subject digest mismatch',
  };
  const unverifiable: Verdict = {
    status: 'unverifiable',
    reason: 'no trust root',
  };

  it.each<[Verdict[], string]>([
    [[], 'unsigned'],
    [[unverifiable], 'unverifiable'],
    [[verified, unverifiable], 'verified'],
    [[verified, invalid], 'invalid'],
    [[unverifiable, invalid], 'invalid'],
  ])('%j is %s', (verdicts, status) => {
    expect(summariseVerdicts(verdicts).status).toBe(status);
  });

  it('orders verified verdicts by level and keeps the reasons', () => {
    const summary = summariseVerdicts([
      { ...verified, slsaLevel: 1 },
      verified,
      unverifiable,
    ]);
    expect(summary.verified.map(v => v.slsaLevel)).toEqual([3, 1]);
    expect(summary.counts).toEqual({
      verified: 2,
      invalid: 0,
      unverifiable: 1,
    });
    expect(summary.reasons).toEqual(['no trust root']);
  });
});
