/**
 * Argo CD applications as the Argo CD API answers them: `GET /api/v1/applications/{name}`
 * and `GET /api/v1/applications?selector=` (Argo CD v2.13 / v3.0 API, swagger
 * `v1alpha1Application`, `v1alpha1ApplicationStatus`, `v1alpha1RevisionHistory`,
 * `v1alpha1OperationState`; see the "API Docs" of the Argo CD operator manual). Fields
 * Greenlight does not read (spec, resources, summary) are kept short but present.
 */

const SHA_A = '1f2e3d4c5b6a79881f2e3d4c5b6a79881f2e3d4c';
const SHA_B = '2a3b4c5d6e7f80912a3b4c5d6e7f80912a3b4c5d';
const SHA_C = '3c4d5e6f708192a33c4d5e6f708192a33c4d5e6f';
export const SHAS = { A: SHA_A, B: SHA_B, C: SHA_C };

const source = {
  repoURL: 'https://github.com/acme/checkout-deploy.git',
  path: 'overlays/production',
  targetRevision: 'main',
};

const entry = (
  id: number,
  revision: string,
  day: number,
  initiatedBy: object = { automated: true },
) => ({
  id,
  revision,
  deployStartedAt: `2026-11-${String(day).padStart(2, '0')}T10:00:00Z`,
  deployedAt: `2026-11-${String(day).padStart(2, '0')}T10:02:00Z`,
  source,
  initiatedBy,
});

/**
 * checkout: A, then B, then C, then back to B. The sync of history id 3 goes to B, which
 * ran before C (history id 1): a rollback of the deployment of history id 2.
 */
export function checkoutApplication(extraHistory: object[] = []) {
  return {
    metadata: {
      name: 'checkout',
      namespace: 'argocd',
      uid: '5b2c7e8f-2b4f-4bd3-9f7e-0c6f0f2f9a11',
      resourceVersion: '123456',
      labels: { team: 'checkout' },
    },
    spec: {
      project: 'default',
      source,
      destination: {
        server: 'https://kubernetes.default.svc',
        namespace: 'checkout',
      },
      syncPolicy: { automated: { prune: true, selfHeal: true } },
    },
    status: {
      sync: { status: 'Synced', revision: SHA_B, comparedTo: { source } },
      health: { status: 'Healthy' },
      history: [
        entry(0, SHA_A, 20),
        entry(1, SHA_B, 22),
        entry(2, SHA_C, 24),
        entry(3, SHA_B, 25, { username: 'alice@acme.example' }),
        ...extraHistory,
      ],
      operationState: {
        operation: {
          sync: { revision: SHA_B },
          initiatedBy: { username: 'alice@acme.example' },
        },
        phase: 'Succeeded',
        message: 'successfully synced (all tasks run)',
        syncResult: { revision: SHA_B, source },
        startedAt: '2026-11-25T10:00:00Z',
        finishedAt: '2026-11-25T10:02:00Z',
      },
      reconciledAt: '2026-11-25T10:05:00Z',
      sourceType: 'Kustomize',
      summary: { images: ['ghcr.io/acme/checkout:1.4.2'] },
    },
  };
}

export const nextCheckoutEntry = () =>
  entry(4, '4d5e6f708192a3b44d5e6f708192a3b44d5e6f70', 27);

/**
 * payments-api: picked by the selector `team=payments`, labelled for staging. One Helm
 * chart version synced, then a sync that failed (no history entry, only the operation).
 */
export const paymentsApplication = {
  metadata: {
    name: 'payments-api',
    namespace: 'argocd',
    labels: { team: 'payments', 'greenlight.dev/environment': 'staging' },
  },
  spec: {
    project: 'payments',
    source: {
      repoURL: 'https://charts.acme.example',
      chart: 'payments-api',
      targetRevision: '2.1.*',
    },
    destination: {
      server: 'https://kubernetes.default.svc',
      namespace: 'payments',
    },
  },
  status: {
    sync: { status: 'OutOfSync', revision: '2.1.1' },
    health: { status: 'Degraded' },
    history: [
      {
        id: 7,
        revision: '2.1.0',
        deployStartedAt: '2026-11-26T08:00:00Z',
        deployedAt: '2026-11-26T08:01:30Z',
        source: {
          repoURL: 'https://charts.acme.example',
          chart: 'payments-api',
          targetRevision: '2.1.*',
        },
        initiatedBy: { username: 'bob@acme.example' },
      },
    ],
    operationState: {
      operation: { sync: { revision: '2.1.1' } },
      phase: 'Failed',
      message: 'one or more objects failed to apply',
      syncResult: { revision: '2.1.1' },
      startedAt: '2026-11-27T08:00:00Z',
      finishedAt: '2026-11-27T08:03:00Z',
    },
  },
};
