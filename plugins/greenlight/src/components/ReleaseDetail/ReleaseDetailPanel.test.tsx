import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Entity } from '@backstage/catalog-model';
import { DIGEST, releaseDetail, rollout, SHA } from '../../__testUtils__/fixtures';
import { renderForEntity, responseError } from '../../__testUtils__/renderForEntity';
import { ArtifactProvenance, GreenlightApi } from '../../api';
import { ReleaseDetailPanel } from './ReleaseDetailPanel';

const artifact: ArtifactProvenance = {
  digest: DIGEST,
  summary: { status: 'verified' },
  builds: [{ id: 'build-881', builderId: 'https://github.com/actions/runner', commitSha: 'abc1234', status: 'succeeded' }],
  attestations: [
    {
      id: 'att-1',
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verdicts: [
        {
          status: 'verified',
          verifier: 'greenlight',
          builderId: 'https://github.com/actions/runner/github-hosted',
          slsaLevel: 3,
          identity: { issuer: 'https://token.actions.githubusercontent.com', subject: 'repo:acme/payments:ref:refs/heads/main' },
          sourceRepository: 'https://github.com/acme/payments',
          sourceCommit: 'abc1234def',
          subjects: [{ name: 'payments', digest: { sha256: 'ab'.repeat(32) } }],
          verifiedAt: '2026-11-02T10:05:00Z',
        },
      ],
    },
  ],
  determinism: { status: 'reproduced', outputs: [] },
};

function renderPanel(api: Partial<GreenlightApi>, catalogEntities: Entity[] = []) {
  return renderForEntity(<ReleaseDetailPanel releaseId="payments-1.4.0-production" repository="github.com/acme/payments" />, {
    api,
    catalogEntities,
  });
}

const user = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: {},
});

const section = (name: string) => within(screen.getByRole('region', { name }));

describe('ReleaseDetailPanel', () => {
  it('links the deployments that rolled this release back to their own detail, and reads its audit trail as sentences', async () => {
    await renderPanel({
      getRelease: jest.fn(async () =>
        releaseDetail({
          status: 'rolled-back',
          rolloutId: undefined,
          rolledBackBy: ['payments-rollback-1'],
          audit: [
            {
              at: '2026-11-02T10:22:00Z',
              actor: 'greenlight:rollout-watcher',
              action: 'rollout.rolled-back',
              details: { rolloutId: 'ro-1', reason: 'error ratio above 0.02 twice in a row' },
            },
          ],
        }),
      ),
      getArtifact: jest.fn(async () => artifact),
    });
    const link = await screen.findByRole('link', { name: 'payments-rollback-1' });
    expect(link.getAttribute('href')).toMatch(/\?release=payments-rollback-1$/);
    const audit = section('Audit trail');
    expect(audit.getByText('Rollout rolled back: error ratio above 0.02 twice in a row')).toBeInTheDocument();
    expect(audit.queryByText(/[{}]/)).not.toBeInTheDocument();
  });

  it('lists the audit trail when things happened, with when a late event was recorded beside it', async () => {
    await renderPanel({
      getRelease: jest.fn(async () =>
        releaseDetail({
          rolloutId: undefined,
          audit: [
            // Recorded first, but happened after the late one below.
            { at: '2026-11-02T10:21:00Z', actor: 'local-pipelines', action: 'event.recorded', details: { type: 'deployment.finished' } },
            // Sent an hour late: it happened at 09:50 and was recorded at 10:50.
            {
              at: '2026-11-02T10:50:00Z',
              eventAt: '2026-11-02T09:50:00Z',
              actor: 'local-pipelines',
              action: 'event.recorded',
              details: { type: 'deployment.started' },
            },
          ],
        }),
      ),
      getArtifact: jest.fn(async () => artifact),
    });
    const audit = await screen.findByRole('table', { name: 'Audit trail' });
    const rows = within(audit).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const late = new Date('2026-11-02T09:50:00Z').toLocaleString();
    const recorded = new Date('2026-11-02T10:50:00Z').toLocaleString();
    expect(rows[0]).toHaveTextContent(late);
    expect(rows[0]).toHaveTextContent(`recorded ${recorded}`);
    expect(rows[1]).toHaveTextContent(new Date('2026-11-02T10:21:00Z').toLocaleString());
    expect(rows[1]).not.toHaveTextContent(/recorded \d/);
  });

  it('shows what the release brought, its evidence, provenance, rollout and audit trail', async () => {
    const getArtifact = jest.fn(async () => artifact);
    const getRollout = jest.fn(async () =>
      rollout({
        state: 'rolled-back',
        allowedActions: [],
        evaluations: rollout().evaluations.map((e, i) => (i === 1 ? { ...e, decision: 'rollback' as const } : e)),
        rollback: {
          status: 'succeeded',
          executor: 'argo-rollouts',
          attempts: 1,
          reason: 'gate checkout/error-rate failed 2 of 3',
          executedAt: '2026-11-02T10:02:30Z',
        },
      }),
    );
    await renderPanel({ getRelease: async () => releaseDetail(), getArtifact, getRollout });

    expect(await screen.findByRole('heading', { name: '1.4.0 to production' })).toBeInTheDocument();
    expect(getArtifact).toHaveBeenCalledWith(DIGEST);
    expect(getRollout).toHaveBeenCalledWith('ro-1');

    const commits = section('Commits (1)');
    expect(commits.getByRole('link', { name: /^Commit 9b2e41c/ })).toHaveAttribute(
      'href',
      expect.stringMatching(/^https:\/\/github.com\/acme\/payments\/commit\/9b2e41c/),
    );
    expect(commits.getByRole('link', { name: /^#42/ })).toHaveAttribute('href', 'https://github.com/acme/payments/pull/42');
    expect(commits.getByText('Retry card declines once')).toBeInTheDocument();

    expect(section('Tests').getByText('integration')).toBeInTheDocument();
    expect(section('Tests').getByText('same artifact digest')).toBeInTheDocument();

    const provenance = section('Provenance');
    expect(await provenance.findByText('https://github.com/actions/runner/github-hosted')).toBeInTheDocument();
    expect(provenance.getByText('3')).toBeInTheDocument();
    expect(provenance.getByText(/repo:acme\/payments:ref:refs\/heads\/main/)).toBeInTheDocument();
    expect(provenance.getByText(`payments sha256:${'ab'.repeat(32)}`)).toBeInTheDocument();
    expect(provenance.getByText(/Reproduced/)).toBeInTheDocument();
    expect(provenance.getByLabelText('Provenance: Verified')).toBeInTheDocument();

    const rolloutSection = section('Rollout');
    expect(await rolloutSection.findByLabelText('Rollout state: Rolled back')).toBeInTheDocument();
    await userEvent.click(rolloutSection.getByRole('button', { name: '2 evaluations' }));
    const evaluations = within(rolloutSection.getByRole('table', { name: 'Evaluations of gate checkout/error-rate' }));
    expect(evaluations.getByText('0.031')).toBeInTheDocument();
    expect(evaluations.getAllByText('0.01')).toHaveLength(2);
    expect(evaluations.getByLabelText('Verdict: Fail')).toBeInTheDocument();
    expect(rolloutSection.getByRole('img', { name: /Gate checkout\/error-rate: 2 evaluation\(s\).*1 failed.*rollback at/ })).toBeInTheDocument();
    const rollback = within(rolloutSection.getByRole('region', { name: 'Rollback' }));
    expect(rollback.getByText('gate checkout/error-rate failed 2 of 3')).toBeInTheDocument();
    expect(rollback.getByText(/value 0.031 >= 0.01/)).toBeInTheDocument();
    expect(rolloutSection.queryByRole('group', { name: 'Rollout actions' })).not.toBeInTheDocument();

    expect(section('Incidents').getByText('Error rate above SLO')).toBeInTheDocument();
    expect(section('Incidents').getByText('Open')).toBeInTheDocument();
    expect(section('Audit trail').getByText('event.recorded')).toBeInTheDocument();
  });

  it('says when the artifact has no provenance record and there is no rollout', async () => {
    const missing = await responseError(404, 'No artifact');
    await renderPanel({
      getRelease: async () =>
        releaseDetail({ rolloutId: undefined, provenance: undefined, commits: [], tests: [], incidents: [], audit: [] }),
      getArtifact: async () => {
        throw missing;
      },
    });
    expect(await screen.findByText(`Greenlight holds no provenance for ${DIGEST}.`)).toBeInTheDocument();
    expect(screen.queryByRole('region', { name: 'Rollout' })).not.toBeInTheDocument();
    expect(screen.getByText(/brought no new commit/)).toBeInTheDocument();
    expect(screen.getByText(/No test run was reported/)).toBeInTheDocument();
    expect(screen.getByText('No incident is attributed to this release.')).toBeInTheDocument();
  });

  it('explains a permission refusal on the release', async () => {
    const denied = await responseError(403, 'You may not read this entity');
    await renderPanel({
      getRelease: async () => {
        throw denied;
      },
    });
    expect(await screen.findByText('Permission required')).toBeInTheDocument();
    expect(screen.getByText(/You may not read this entity/)).toBeInTheDocument();
  });

  it('shows a server error from the provenance lookup without hiding the rest', async () => {
    await renderPanel({
      getRelease: async () => releaseDetail({ rolloutId: undefined }),
      getArtifact: async () => {
        throw new Error('provenance store unavailable');
      },
    });
    expect((await screen.findAllByText(/provenance store unavailable/)).length).toBeGreaterThan(0);
    expect(screen.getByText('Retry card declines once')).toBeInTheDocument();
  });

  it('copies the full artifact digest and commit SHA with small buttons named after what they copy', async () => {
    // user-event puts a clipboard in place of the browser's; the spy watches what reaches it.
    const userSession = userEvent.setup();
    const writeText = jest.spyOn(navigator.clipboard, 'writeText');
    await renderPanel({ getRelease: async () => releaseDetail({ rolloutId: undefined }), getArtifact: async () => artifact });

    const copyDigest = await section('Provenance').findByRole('button', { name: `Copy digest ${DIGEST}` });
    await userSession.click(copyDigest);
    expect(writeText).toHaveBeenLastCalledWith(
      'sha256:abababababababababababababababababababababababababababababababab',
    );
    expect(await screen.findByText('Copied')).toBeInTheDocument();

    await userSession.click(screen.getByRole('button', { name: `Copy commit SHA ${SHA}` }));
    expect(writeText).toHaveBeenLastCalledWith('9b2e41c0ffee9b2e41c0ffee9b2e41c0ffee9b2e');
    await userSession.click(section('Provenance').getByRole('button', { name: 'Copy build id build-881' }));
    expect(writeText).toHaveBeenLastCalledWith('build-881');
  });

  it('links actors that are catalog users and leaves system actors as text', async () => {
    await renderPanel(
      {
        getRelease: async () =>
          releaseDetail({
            rolloutId: undefined,
            actor: 'ada',
            audit: [
              { at: '2026-11-02T10:21:00Z', actor: 'user:default/ken', action: 'release.noted', details: {} },
              { at: '2026-11-02T10:22:00Z', actor: 'greenlight:rollout-watcher', action: 'rollout.rolled-back', details: {} },
              { at: '2026-11-02T10:23:00Z', actor: 'linus', action: 'release.noted', details: {} },
            ],
          }),
        getArtifact: async () => artifact,
      },
      [user('ada')],
    );
    const facts = within(await screen.findByLabelText('Release'));
    expect(await facts.findByRole('link', { name: 'ada' })).toHaveAttribute('href', '/catalog/default/user/ada');
    const audit = section('Audit trail');
    expect(audit.getByRole('link', { name: 'ken' })).toHaveAttribute('href', '/catalog/default/user/ken');
    // Not a catalog user: a bare name that no user has, and the watcher.
    expect(audit.getByText('linus')).not.toHaveAttribute('href');
    expect(audit.queryByRole('link', { name: /linus|rollout-watcher/ })).not.toBeInTheDocument();
    expect(audit.getByText('greenlight:rollout-watcher')).toBeInTheDocument();
  });
});
