import type { Entity } from '@backstage/catalog-model';
import type { DoraMetrics, DoraTierAssessment } from '@greenlight/backstage-plugin-greenlight-common';
import type {
  DoraResponse,
  EnvironmentState,
  Release,
  ReleaseDetail,
  RolloutView,
} from '../api';

export const componentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payments',
    namespace: 'default',
    annotations: { 'github.com/project-slug': 'acme/payments' },
  },
  spec: { type: 'service', owner: 'team-a', lifecycle: 'production' },
};

export const groupEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', namespace: 'default', title: 'Team A' },
  spec: { type: 'team', children: [] },
};

export const DIGEST = `sha256:${'ab'.repeat(32)}`;
export const SHA = '9b2e41c0ffee9b2e41c0ffee9b2e41c0ffee9b2e';

export function environments(): EnvironmentState[] {
  return [
    {
      name: 'staging',
      tier: 'staging',
      order: 1,
      current: {
        releaseId: 'payments-1.4.0-staging',
        artifactDigest: DIGEST,
        version: '1.4.0',
        commitSha: SHA,
        since: '2026-11-01T10:00:00Z',
        actor: 'ada',
        provenance: { status: 'verified', builderId: 'https://github.com/actions/runner', slsaLevel: 3 },
        promotion: 'first-stage',
      },
      waiting: { count: 0, commits: [] },
    },
    {
      name: 'production',
      tier: 'production',
      order: 2,
      current: {
        releaseId: 'payments-1.3.0-production',
        artifactDigest: `sha256:${'cd'.repeat(32)}`,
        version: '1.3.0',
        commitSha: '77aa0d2',
        since: '2026-10-20T09:00:00Z',
        actor: 'grace',
        provenance: { status: 'invalid', reason: 'signature does not verify' },
        promotion: 'rebuilt',
      },
      waiting: {
        count: 2,
        commits: [
          {
            sha: SHA,
            repository: 'github.com/acme/payments',
            author: 'ada',
            title: 'Retry card declines once',
            prNumber: 42,
            committedAt: '2026-10-30T10:00:00Z',
            mergedAt: '2026-10-30T11:00:00Z',
          },
        ],
      },
    },
  ];
}

export function release(overrides: Partial<Release> = {}): Release {
  return {
    id: 'payments-1.4.0-production',
    entityRef: 'component:default/payments',
    environment: 'production',
    status: 'succeeded',
    strategy: 'canary',
    intent: 'planned',
    version: '1.4.0',
    commitSha: SHA,
    artifact: { digest: DIGEST, name: 'payments', purl: null, buildId: 'build-881' },
    actor: 'ada',
    sourceSystem: 'github-actions',
    url: null,
    startedAt: '2026-11-02T10:00:00Z',
    finishedAt: '2026-11-02T10:21:00Z',
    durationMs: 1_260_000,
    newCommitCount: 2,
    rollbackOf: null,
    replaces: null,
    rolledBackBy: [],
    provenance: { status: 'verified' },
    promotion: 'promoted',
    ...overrides,
  };
}

export function releaseDetail(overrides: Partial<ReleaseDetail> = {}): ReleaseDetail {
  return {
    ...release(),
    commits: [
      {
        sha: SHA,
        repository: 'github.com/acme/payments',
        author: 'ada',
        title: 'Retry card declines once',
        prNumber: 42,
        committedAt: '2026-10-30T10:00:00Z',
        mergedAt: '2026-10-30T11:00:00Z',
      },
    ],
    tests: [
      {
        id: 't1',
        suite: 'integration',
        outcome: 'passed',
        total: 120,
        failures: 0,
        finishedAt: '2026-11-02T09:50:00Z',
        url: null,
        matchedBy: 'artifact',
      },
    ],
    incidents: [
      {
        id: 'inc-17',
        title: 'Error rate above SLO',
        severity: 'sev2',
        detectedAt: '2026-11-02T10:40:00Z',
        resolvedAt: null,
        evidence: 'error ratio 4% on /charge',
      },
    ],
    audit: [
      { at: '2026-11-02T10:21:00Z', actor: 'local-pipelines', action: 'event.recorded', details: { type: 'deployment.finished' } },
    ],
    rolloutId: 'ro-1',
    ...overrides,
  };
}

export function rollout(overrides: Partial<RolloutView> = {}): RolloutView {
  return {
    id: 'ro-1',
    entityRef: 'component:default/payments',
    environment: 'production',
    deploymentId: 'payments-1.4.0-production',
    artifactDigest: DIGEST,
    strategy: 'canary',
    state: 'analysing',
    startedAt: '2026-11-02T10:00:00Z',
    updatedAt: '2026-11-02T10:02:00Z',
    nextEvaluationAt: '2026-11-02T10:03:00Z',
    gates: [{ id: 'checkout/error-rate', kind: 'threshold', shadow: false, description: 'Error ratio under 1%' }],
    evaluations: [
      {
        at: '2026-11-02T10:01:00Z',
        gateId: 'checkout/error-rate',
        kind: 'threshold',
        shadow: false,
        query: 'sum(rate(errors[1m]))',
        value: 0.004,
        threshold: 0.01,
        verdict: 'pass',
        decision: 'continue',
        reason: 'value 0.004 < 0.01',
      },
      {
        at: '2026-11-02T10:02:00Z',
        gateId: 'checkout/error-rate',
        kind: 'threshold',
        shadow: false,
        query: 'sum(rate(errors[1m]))',
        value: 0.031,
        threshold: 0.01,
        verdict: 'fail',
        decision: 'continue',
        reason: 'value 0.031 >= 0.01',
      },
    ],
    rollback: null,
    allowedActions: ['pause', 'promote', 'rollback'],
    ...overrides,
  };
}

const TIERS: DoraTierAssessment = {
  reportYear: 2024,
  deploymentFrequency: 'high',
  changeLeadTime: 'elite',
  changeFailRate: 'medium',
  failedDeploymentRecoveryTime: 'insufficient-data',
  deploymentReworkRate: 'not-benchmarked',
};

export function metrics(scale = 1): DoraMetrics {
  const window = { from: 0, to: 90 * 86_400_000 };
  return {
    window,
    quantiles: 'sketch',
    deploymentFrequency: { count: 45 * scale, perDay: 0.5 * scale, entities: 1, perDayPerEntity: 0.5 * scale, medianDeployDaysPerWeek: 3, weeks: [] },
    changeLeadTime: { n: 120 * scale, medianMs: 3 * 3600_000 * scale, p90Ms: 30 * 3600_000, notInProduction: 0, clockSkewed: 0, basis: { fromCommit: 120 * scale, fromMerge: 0 } },
    changeFailRate: { numerator: 5, denominator: 50 * scale, rate: 0.1 / scale, interval: null, cancelled: 0 },
    failedDeploymentRecoveryTime: { n: 2, medianMs: 45 * 60_000, p90Ms: 60 * 60_000, unrecovered: 1, medianOfAllMs: 60 * 60_000 },
    deploymentReworkRate: { numerator: 2, denominator: 50 * scale, rate: 0.04 / scale, interval: null },
    tiers: TIERS,
  };
}

export function doraResponse(overrides: Partial<DoraResponse> = {}): DoraResponse {
  return {
    scope: { kind: 'group', ref: 'group:default/team-a', entityRefs: 2 },
    window: { from: '2026-08-04T00:00:00.000Z', to: '2026-11-02T00:00:00.000Z' },
    bucket: 'week',
    approximate: true,
    current: metrics(1),
    previous: metrics(0.5),
    change: {
      deploymentsPerDay: 0.25,
      changeLeadTimeMedianMs: 1.5 * 3600_000,
      changeFailRate: -0.1,
      failedDeploymentRecoveryTimeMedianMs: null,
      deploymentReworkRate: 0,
    },
    trend: [
      { label: '2026-W40', metrics: metrics(0.8) },
      { label: '2026-W41', metrics: metrics(1) },
      { label: '2026-W42', metrics: metrics(1.2) },
    ],
    breakdown: [
      { entityRef: 'component:default/payments', metrics: metrics(1) },
      { entityRef: 'component:default/ledger', metrics: metrics(2) },
    ],
    dataQuality: [
      { id: 'incidents-without-attribution', count: 3, examples: ['inc-1', 'inc-2'] },
      { id: 'commits-without-time', count: 0, examples: [] },
    ],
    ...overrides,
  };
}
