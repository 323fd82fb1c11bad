import type { AttestationVerifier } from '@greenlight/backstage-plugin-greenlight-node';
import { ARTIFACT_DIGEST, NOW } from '../__testUtils__/fixtures';
import { judgeAttestation } from './judge';

const MEDIA_TYPE = 'application/x-custom';

async function judge(
  status: 'verified' | 'invalid' | 'unverifiable',
  slsaLevel?: unknown,
) {
  const verifier: AttestationVerifier = {
    id: 'custom',
    mediaTypes: [MEDIA_TYPE],
    verify: async () => ({
      status,
      ...(status === 'verified' ? {} : { reason: 'said so' }),
      details: {
        builderId: 'https://ci.example',
        ...(slsaLevel === undefined ? {} : { slsaLevel }),
      },
    }),
  };
  const [verdict] = await judgeAttestation({
    mediaType: MEDIA_TYPE,
    content: '{}',
    artifactDigest: ARTIFACT_DIGEST,
    entityRef: 'component:default/payments',
    expectations: {},
    policy: { trustedKeys: [] } as any,
    verifiers: [verifier],
    now: NOW,
  });
  return verdict;
}

describe('judgeAttestation and an extension verifier’s SLSA level', () => {
  it.each([0, 4])('keeps level %p', async level => {
    expect(await judge('verified', level)).toMatchObject({
      verifier: 'custom',
      status: 'verified',
      slsaLevel: level,
    });
  });

  it.each([undefined, null])(
    'keeps a verdict without a level (%p)',
    async level => {
      const verdict = await judge('verified', level);
      expect(verdict.status).toBe('verified');
      expect(verdict.slsaLevel).toBeUndefined();
    },
  );

  it.each([
    [5, '5'],
    [-1, '-1'],
    [2.5, '2.5'],
    [Number.NaN, 'NaN'],
    [Infinity, 'Infinity'],
    ['3', '"3"'],
  ])(
    'makes a verified verdict with level %p unverifiable, naming the verifier and the level',
    async (level, shown) => {
      expect(await judge('verified', level)).toEqual({
        verifier: 'custom',
        status: 'unverifiable',
        reason: `verifier custom answered SLSA level ${shown}, not an integer 0-4`,
        verifiedAt: NOW.getTime(),
      });
    },
  );

  it('keeps an invalid verdict invalid, without the bad level', async () => {
    const verdict = await judge('invalid', 99);
    expect(verdict).toMatchObject({ status: 'invalid', reason: 'said so' });
    expect(verdict.slsaLevel).toBeUndefined();
  });

  it('makes an unverifiable verdict with a bad level say why', async () => {
    expect(await judge('unverifiable', 7)).toMatchObject({
      status: 'unverifiable',
      reason: 'verifier custom answered SLSA level 7, not an integer 0-4',
    });
  });
});
