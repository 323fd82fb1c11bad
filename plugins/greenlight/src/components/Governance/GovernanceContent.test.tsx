import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { componentEntity } from '../../__testUtils__/fixtures';
import {
  renderForEntity,
  responseError,
} from '../../__testUtils__/renderForEntity';
import type {
  BreakGlassView,
  GreenlightApi,
  ReadinessDecisionView,
} from '../../api';
import { GovernanceContent } from './GovernanceContent';

const REF = 'component:default/payments';

const control = (
  id: string,
  satisfied: boolean,
  reason: string,
  evidence = {},
) => ({
  id,
  title: id,
  satisfied,
  reason,
  evidence,
});

const decision = (
  overrides: Partial<ReadinessDecisionView>,
): ReadinessDecisionView => ({
  decisionId: 'd1',
  decision: 'block',
  assessed: 'block',
  entityRef: REF,
  environment: 'production',
  classes: [
    {
      class: 'database',
      matchedBy: { paths: ['db/migrations/1.sql'], labels: [], commits: [] },
      controls: [
        control('expand-contract', false, 'no expand phase', {
          'database.expandVerified': false,
        }),
      ],
    },
  ],
  policy: [],
  missingControls: ['expand-contract'],
  violations: [],
  release: {
    deploymentId: 'payments-2.0.0',
    artifactDigest: null,
    commitSha: null,
  },
  actor: 'service:ci',
  decidedAt: '2026-11-01T10:00:00.000Z',
  override: null,
  ...overrides,
});

const glass = (overrides: Partial<BreakGlassView> = {}): BreakGlassView => ({
  id: 'bg-1',
  entityRef: REF,
  environment: 'production',
  performedBy: 'user:default/bob',
  recordedBy: 'user:default/bob',
  what: 'Raised the connection pool by hand',
  why: 'Saturated during the outage',
  performedAt: '2026-11-01T09:00:00.000Z',
  recordedAt: '2026-11-01T09:05:00.000Z',
  reconcileBy: '2026-11-03T09:00:00.000Z',
  status: 'open',
  reconciledLate: false,
  reconciliation: null,
  ...overrides,
});

function fakeApi(
  overrides: Partial<GreenlightApi> = {},
): Partial<GreenlightApi> {
  return {
    getChecklist: async () => ({
      entityRef: REF,
      checks: [
        {
          id: 'mandatory-tests',
          title: 'Every production deployment had passing tests',
          status: 'fail',
          reason: '1 untested',
        },
        {
          id: 'dora-reviewed',
          title: 'The owning team reviewed its DORA metrics',
          status: 'fail',
          reason: 'not signed off',
        },
        {
          id: 'signed-traceable',
          title: 'Signed',
          status: 'pass',
          reason: 'verified',
        },
      ],
    }),
    getChangeWindows: async () => ({
      entityRef: REF,
      configured: true,
      environments: [
        {
          environment: 'staging',
          allowed: true,
          reasons: [],
          nextAllowedAt: null,
          timeZone: 'UTC',
          freezes: [],
          breakGlassId: null,
        },
        {
          environment: 'production',
          allowed: false,
          reasons: ['freeze year-end'],
          nextAllowedAt: '2027-01-04T08:00:00.000Z',
          timeZone: 'Europe/Berlin',
          freezes: [{ name: 'year-end', until: '2027-01-04T08:00:00.000Z' }],
          breakGlassId: null,
        },
      ],
    }),
    listEmergencyStops: async () => [],
    listReadiness: async () => ({
      entityRef: REF,
      items: [
        decision({
          decisionId: 'd2',
          decision: 'allow',
          override: {
            decisionId: 'd2',
            by: 'user:default/ada',
            at: '2026-11-01T11:00:00.000Z',
            reason: 'Expand shipped last week',
          },
        }),
        decision({}),
      ],
    }),
    listBreakGlass: async () => ({
      entityRef: REF,
      open: 1,
      overdue: 0,
      items: [glass()],
    }),
    getDrift: async () => ({
      entityRef: REF,
      open: [
        {
          id: 'dr1',
          source: 'terraform',
          entityRef: REF,
          address: 'aws_db_instance.payments',
          kind: 'drift',
          status: 'open',
          details: {},
          openedAt: '2026-11-01T08:00:00.000Z',
          lastSeenAt: '2026-11-01T12:00:00.000Z',
          closedAt: null,
        },
      ],
      recentlyClosed: [],
    }),
    getViolations: async () => ({
      entityRef: REF,
      policy: { requireTests: true, source: 'config' },
      window: {
        from: '2026-08-01T00:00:00.000Z',
        to: '2026-11-01T00:00:00.000Z',
      },
      items: [
        {
          kind: 'untested-production-deployment',
          entityRef: REF,
          releaseId: 'payments-1.9.0',
          environment: 'production',
          at: '2026-10-20T10:00:00.000Z',
          artifactDigest: null,
          commitSha: null,
          enforced: true,
          reason: 'no passing test run',
        },
      ],
    }),
    ...overrides,
  };
}

describe('GovernanceContent', () => {
  it('shows decisions with their evidence, overrides, windows, drift, violations and the checklist with links', async () => {
    await renderForEntity(<GovernanceContent />, {
      api: fakeApi(),
      entity: {
        ...componentEntity,
        relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
      },
    });

    const decisions = await screen.findByRole('table', {
      name: 'Readiness decisions',
    });
    expect(
      within(decisions).getAllByText(/expand-contract \(database\): missing/),
    ).toHaveLength(2);
    expect(
      within(decisions).getAllByText(
        /no expand phase — evidence: database.expandVerified: false/,
      ),
    ).toHaveLength(2);
    expect(
      within(decisions).getByText('Allowed by override'),
    ).toBeInTheDocument();

    const overrides = await screen.findByRole('table', { name: 'Overrides' });
    expect(within(overrides).getByText('user:default/ada')).toBeInTheDocument();
    expect(
      within(overrides).getByText('Expand shipped last week'),
    ).toBeInTheDocument();
    expect(
      within(overrides).getByText(/expand-contract in production/),
    ).toBeInTheDocument();

    const windows = await screen.findByRole('table', {
      name: 'Change windows and freezes',
    });
    const production = within(windows).getByRole('row', { name: /production/ });
    expect(production).toHaveTextContent(/Closed/);
    expect(production).toHaveTextContent(/freeze year-end/);
    expect(production).toHaveTextContent(/Europe\/Berlin/);

    expect(
      await screen.findByText('aws_db_instance.payments'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('link', { name: 'payments-1.9.0' }),
    ).toHaveAttribute(
      'href',
      '/catalog/default/component/payments/delivery?release=payments-1.9.0',
    );
    expect(
      await screen.findByRole('link', {
        name: "Open the team's DORA review to sign it off",
      }),
    ).toHaveAttribute('href', '/catalog/default/group/team-a/dora-review');
    expect(
      screen.getByRole('link', { name: 'See the untested deployments' }),
    ).toHaveAttribute('href', '#governance-violations');
  });

  it('reconciles a break-glass change and shows its new state', async () => {
    let items = [glass()];
    const reconcileBreakGlass = jest.fn(
      async (_id: string, request: { link: string }) => {
        items = [
          glass({
            status: 'reconciled',
            reconciliation: {
              at: '2026-11-02T10:00:00.000Z',
              by: 'user:default/ada',
              link: request.link,
              note: null,
            },
          }),
        ];
        return items[0];
      },
    );
    await renderForEntity(<GovernanceContent />, {
      api: fakeApi({
        reconcileBreakGlass,
        listBreakGlass: async () => ({
          entityRef: REF,
          open: items.filter(i => i.status !== 'reconciled').length,
          overdue: 0,
          items,
        }),
      }),
    });
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Reconcile: Raised the connection pool by hand',
      }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Reconcile the break-glass change',
    });
    const submit = within(dialog).getByRole('button', { name: 'Reconcile' });
    await userEvent.type(
      within(dialog).getByLabelText(/Link to the reconciling change/),
      'not a url',
    );
    expect(submit).toBeDisabled();
    await userEvent.clear(
      within(dialog).getByLabelText(/Link to the reconciling change/),
    );
    await userEvent.type(
      within(dialog).getByLabelText(/Link to the reconciling change/),
      'https://git.example/pr/7',
    );
    await userEvent.click(submit);
    expect(reconcileBreakGlass).toHaveBeenCalledWith('bg-1', {
      link: 'https://git.example/pr/7',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    const table = await screen.findByRole('table', {
      name: 'Break-glass changes',
    });
    await waitFor(() =>
      expect(within(table).getByText('Reconciled')).toBeInTheDocument(),
    );
    expect(
      within(table).getByRole('link', { name: /git\.example\/pr\/7/ }),
    ).toBeInTheDocument();
  });

  it('keeps the dialog open with the reason when the backend refuses', async () => {
    const reconcileBreakGlass = jest.fn(async () => {
      throw await responseError(
        403,
        'user:default/bob performed or recorded this change and may not reconcile it',
      );
    });
    await renderForEntity(<GovernanceContent />, {
      api: fakeApi({ reconcileBreakGlass }),
    });
    await userEvent.click(
      await screen.findByRole('button', { name: /^Reconcile:/ }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.type(
      within(dialog).getByLabelText(/Link to the reconciling change/),
      'https://git.example/pr/8',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Reconcile' }),
    );
    expect(await within(dialog).findByRole('alert')).toHaveTextContent(
      /may not reconcile it/,
    );
  });
});
