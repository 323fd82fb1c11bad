import { parseArtifact } from './parseArtifact';

describe('parseArtifact', () => {
  it('reads the artifact view with verdict lists per attestation', () => {
    const artifact = parseArtifact('sha256:aa', {
      digest: 'sha256:aa',
      name: 'payments',
      summary: { status: 'verified', builderId: 'gha', slsaLevel: 3 },
      attestations: [
        {
          id: 'att-1',
          mediaType: 'application/vnd.dsse.envelope.v1+json',
          verdicts: [
            {
              verifier: 'greenlight',
              status: 'verified',
              builderId: 'gha',
              slsaLevel: 3,
              identity: { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/payments' },
              subjects: [{ name: 'payments', digest: { sha256: 'aa' } }],
              verifiedAt: '2026-11-02T10:00:00Z',
              current: true,
            },
          ],
        },
      ],
      builds: [{ id: 'b1', builder: 'gha', commitSha: 'abc', status: 'succeeded' }],
      determinism: { status: 'reproduced', commitSha: 'abc', buildIds: ['b1', 'b2'], outputs: [{ artifactDigest: 'sha256:aa', buildIds: ['b1', 'b2'] }] },
    });
    expect(artifact.summary).toEqual(expect.objectContaining({ status: 'verified', slsaLevel: 3 }));
    expect(artifact.attestations[0].verdicts[0]).toEqual(
      expect.objectContaining({ verifier: 'greenlight', status: 'verified', current: true }),
    );
    expect(artifact.attestations[0].verdicts[0].subjects).toEqual([{ name: 'payments', digest: { sha256: 'aa' } }]);
    expect(artifact.builds[0]).toEqual(expect.objectContaining({ id: 'b1', builderId: 'gha' }));
    expect(artifact.determinism?.status).toBe('reproduced');
  });

  it('accepts a single or flattened verdict and drops what it does not recognise', () => {
    const artifact = parseArtifact('sha256:bb', {
      status: 'invalid',
      reasons: ['signature does not verify'],
      attestations: [{ status: 'invalid', reason: 'bad signature' }, { verdict: { status: 'weird' } }, 'nonsense'],
      builds: 'none',
      determinism: [{ status: 'single-build' }, { status: 'non-reproducible', outputs: [{ artifactDigest: 1 }] }],
    });
    expect(artifact.digest).toBe('sha256:bb');
    expect(artifact.summary).toEqual(expect.objectContaining({ status: 'invalid', reason: 'signature does not verify' }));
    expect(artifact.attestations).toHaveLength(2);
    expect(artifact.attestations[0].verdicts).toEqual([expect.objectContaining({ status: 'invalid', reason: 'bad signature' })]);
    expect(artifact.attestations[1].verdicts).toEqual([]);
    expect(artifact.builds).toEqual([]);
    expect(artifact.determinism).toEqual({ status: 'non-reproducible', buildIds: undefined, outputs: [] });
  });

  it('survives a body that is not an object', () => {
    expect(parseArtifact('sha256:cc', null)).toEqual({
      digest: 'sha256:cc',
      name: undefined,
      purl: undefined,
      summary: undefined,
      builds: [],
      attestations: [],
      determinism: undefined,
    });
  });
});
