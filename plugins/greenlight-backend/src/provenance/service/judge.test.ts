import type { AttestationVerifier } from '@greenlight/backstage-plugin-greenlight-node';
import {
  ARTIFACT_DIGEST,
  generateTestKey,
  NOW,
  policyWith,
  signEnvelope,
  slsaV1Statement,
  trustedKey,
} from '../__testUtils__/fixtures';
import { judgeAttestation, JudgeRequest } from './judge';

const key = generateTestKey('k', 'ed25519');
const DSSE = 'application/vnd.dsse.envelope.v1+json';

const verifier = (
  id: string,
  mediaTypes: string[],
  verify: AttestationVerifier['verify'],
): AttestationVerifier => ({
  id,
  mediaTypes,
  verify,
});

function request(overrides: Partial<JudgeRequest>): JudgeRequest {
  return {
    mediaType: DSSE,
    content: JSON.stringify(signEnvelope(slsaV1Statement(), [key])),
    artifactDigest: ARTIFACT_DIGEST,
    entityRef: 'component:default/payments',
    expectations: {},
    policy: policyWith([trustedKey(key)]),
    verifiers: [],
    now: NOW,
    ...overrides,
  };
}

describe('judgeAttestation', () => {
  it('lets the built-in verifier and every verifier claiming the media type judge it', async () => {
    const claims = verifier('second-opinion', [DSSE], async () => ({
      status: 'invalid',
      reason: 'revoked upstream',
    }));
    const ignores = verifier('other', ['application/x-other'], async () => ({
      status: 'verified',
    }));
    const verdicts = await judgeAttestation(
      request({ verifiers: [claims, ignores] }),
    );
    expect(verdicts.map(v => [v.verifier, v.status, v.reason ?? null])).toEqual(
      [
        ['greenlight', 'verified', null],
        ['second-opinion', 'invalid', 'revoked upstream'],
      ],
    );
    expect(verdicts[0]).toMatchObject({
      keyId: 'k',
      verifiedAt: NOW.getTime(),
    });
    expect(
      JSON.parse(verdicts[0].buildInputs!).externalParameters.workflow.path,
    ).toBe('.github/workflows/release.yml');
  });

  it('leaves a media type an extension claims to it, and one nobody claims unverifiable', async () => {
    const custom = verifier('custom', ['application/x-custom'], async () => ({
      status: 'verified',
    }));
    expect(
      (
        await judgeAttestation(
          request({ mediaType: 'application/x-custom', verifiers: [custom] }),
        )
      ).map(v => v.verifier),
    ).toEqual(['custom']);
    expect(
      await judgeAttestation(request({ mediaType: 'application/x-unknown' })),
    ).toEqual([
      expect.objectContaining({
        verifier: 'greenlight',
        status: 'unverifiable',
        reason: 'unsupported media type application/x-unknown',
      }),
    ]);
  });

  it('turns a verifier that throws or answers nonsense into unverifiable', async () => {
    const throws = verifier('flaky', [DSSE], async () => {
      throw new Error('timeout');
    });
    const nonsense = verifier('odd', [DSSE], async () => ({
      status: 'trusted' as any,
    }));
    const verdicts = await judgeAttestation(
      request({ verifiers: [throws, nonsense] }),
    );
    expect(verdicts.slice(1).map(v => [v.status, v.reason])).toEqual([
      ['unverifiable', 'verifier flaky failed: timeout'],
      ['unverifiable', 'verifier odd answered an unknown status trusted'],
    ]);
  });

  it('verifies nothing without the entity expectations, and marks the verdict provisional', async () => {
    expect(
      await judgeAttestation(request({ expectations: undefined })),
    ).toEqual([
      expect.objectContaining({ status: 'unverifiable', provisional: true }),
    ]);
  });
});
