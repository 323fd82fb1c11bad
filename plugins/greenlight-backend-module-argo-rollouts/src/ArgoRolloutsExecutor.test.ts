import type { RollbackRequest } from '@greenlight/backstage-plugin-greenlight-node';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  ArgoRolloutsExecutor,
  ROLLBACK_ANNOTATION,
  ROLLOUT_ENTITY_ANNOTATION,
} from './ArgoRolloutsExecutor';
import type { ArgoExecutorConfig } from './config';
import { ReceivedRequest, startServer } from '@greenlight/test-utils';

const token = 'k8s-token-5b1c';
const D2 = `sha256:${'2'.repeat(64)}`;
const D3 = `sha256:${'3'.repeat(64)}`;
const request: RollbackRequest = {
  rolloutId: 'rollout-7',
  entityRef: 'component:default/payments',
  environment: 'production',
  deploymentId: 'd-7',
  artifactDigest: D2,
  reason: 'error rate',
  idempotencyKey: 'rollout-7',
  evidence: { summary: 'error rate' },
};

/** What a refused attempt may have sent: reads only. */
const writes = (received: ReceivedRequest[]) =>
  received.filter(r => r.method !== 'GET');

const template = (image: string, hash: string) => ({
  metadata: { labels: { app: 'payments', 'rollouts-pod-template-hash': hash } },
  spec: { containers: [{ name: 'app', image }] },
});

/**
 * Just enough of the Kubernetes API for one Argo Rollout and its ReplicaSets, as the API server
 * answers (kubernetes.io/docs/reference/using-api/api-concepts, Kubernetes 1.30: JSON merge
 * patches, the `status` subresource, `Status` objects for 403 and 404) for the Rollout
 * resource of Argo Rollouts v1.7 (argoproj.io/v1alpha1, whose `status.abort` the kubectl
 * plugin's `abort` command sets the same way).
 */
function fakeCluster(
  options: {
    statusSubresource?: boolean;
    forbid?: boolean;
    /** The namespace of the Rollout and its ReplicaSets. */
    namespace?: string;
    /** The Rollout's `greenlight.dev/entity-ref` annotation; null for none. */
    boundTo?: string | null;
    /** The image of the newest ReplicaSet (revision 2), and of the Rollout's template. */
    newestImage?: string;
    /** The image of the Rollout's template when it differs from the newest ReplicaSet's. */
    templateImage?: string;
    /** The Rollout's `status.currentPodHash`, as Argo Rollouts reports it. */
    currentPodHash?: string;
  } = {},
) {
  const namespace = options.namespace ?? 'shop';
  const newestImage =
    options.newestImage ?? `registry.example.com/payments@${D2}`;
  const boundTo =
    options.boundTo === undefined
      ? 'component:default/payments'
      : options.boundTo;
  const rollout: any = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Rollout',
    metadata: {
      name: 'payments-rollout',
      namespace,
      uid: 'uid-1',
      resourceVersion: '10',
      ...(boundTo === null
        ? {}
        : { annotations: { [ROLLOUT_ENTITY_ANNOTATION]: boundTo } }),
    },
    spec: {
      selector: { matchLabels: { app: 'payments' } },
      template: template(options.templateImage ?? newestImage, 'h2'),
    },
    status: options.currentPodHash
      ? { currentPodHash: options.currentPodHash }
      : {},
  };
  const rs = (
    name: string,
    revision: string,
    image: string,
    hash: string,
    owner = 'uid-1',
  ) => ({
    metadata: {
      name,
      annotations: { 'rollout.argoproj.io/revision': revision },
      ownerReferences: [{ kind: 'Rollout', uid: owner, controller: true }],
    },
    spec: { template: template(image, hash) },
  });
  const replicaSets = [
    rs('payments-h1', '1', 'payments:1.0', 'h1'),
    rs('payments-h2', '2', newestImage, 'h2'),
    rs('other-h9', '9', 'other:9', 'h9', 'uid-other'),
  ];
  const templateReplacements: unknown[] = [];
  const bump = () => {
    rollout.metadata.resourceVersion = String(
      Number(rollout.metadata.resourceVersion) + 1,
    );
  };
  const base = `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/rollouts/payments-rollout`;
  const handle = (req: ReceivedRequest) => {
    if (options.forbid)
      return {
        status: 403,
        body: {
          kind: 'Status',
          reason: 'Forbidden',
          message: `token ${token}`,
        },
      };
    if (req.headers.authorization !== `Bearer ${token}`)
      return { status: 401, body: { reason: 'Unauthorized' } };
    if (req.method === 'GET' && req.url === base)
      return { status: 200, body: rollout };
    if (
      req.method === 'GET' &&
      req.url ===
        `/apis/apps/v1/namespaces/${namespace}/replicasets?labelSelector=app%3Dpayments`
    ) {
      return { status: 200, body: { items: replicaSets } };
    }
    if (
      req.method === 'PATCH' &&
      (req.url === `${base}/status` || req.url === base) &&
      req.headers['content-type'] === 'application/merge-patch+json'
    ) {
      if (req.url.endsWith('/status') && options.statusSubresource === false)
        return { status: 404, body: { reason: 'NotFound' } };
      rollout.status = { ...rollout.status, ...JSON.parse(req.body).status };
      bump();
      return { status: 200, body: rollout };
    }
    if (
      req.method === 'PATCH' &&
      req.url === base &&
      req.headers['content-type'] === 'application/json-patch+json'
    ) {
      for (const op of JSON.parse(req.body)) {
        if (
          op.op === 'test' &&
          op.path === '/metadata/resourceVersion' &&
          op.value !== rollout.metadata.resourceVersion
        ) {
          return { status: 422, body: { reason: 'Invalid' } };
        }
        if (op.op === 'add' && op.path === '/metadata/annotations')
          rollout.metadata.annotations = op.value;
        if (
          op.op === 'add' &&
          op.path === '/metadata/annotations/greenlight.dev~1rollback-id'
        ) {
          rollout.metadata.annotations[ROLLBACK_ANNOTATION] = op.value;
        }
        if (op.op === 'replace' && op.path === '/spec/template') {
          rollout.spec.template = op.value;
          templateReplacements.push(op.value);
        }
      }
      bump();
      return { status: 200, body: rollout };
    }
    return { status: 404, body: { reason: 'NotFound' } };
  };
  return { rollout, handle, templateReplacements };
}

const config = (
  apiUrl: string,
  {
    caCertFile,
    ...extra
  }: Partial<ArgoExecutorConfig> & { caCertFile?: string } = {},
): ArgoExecutorConfig => ({
  environments: [
    { name: 'production', apiUrl, token, namespace: 'shop', caCertFile },
  ],
  undo: true,
  timeoutMs: 2000,
  ...extra,
});
const name = async () => 'payments-rollout';

describe('ArgoRolloutsExecutor', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map(c => c()));
  });

  async function cluster(options?: Parameters<typeof fakeCluster>[0]) {
    const fake = fakeCluster(options);
    const server = await startServer(fake.handle);
    closers.push(server.close);
    return { ...fake, server };
  }

  it('aborts the rollout and restores the previous revision, once per idempotency key', async () => {
    const { rollout, server, templateReplacements } = await cluster();
    const executor = new ArgoRolloutsExecutor(config(server.url), name);
    const result = await executor.rollback(request);
    expect(result).toEqual({
      status: 'succeeded',
      message:
        'Rollout shop/payments-rollout aborted and restored to revision 1',
      retryable: false,
    });
    expect(rollout.status.abort).toBe(true);
    expect(rollout.spec.template).toEqual({
      metadata: { labels: { app: 'payments' } },
      spec: { containers: [{ name: 'app', image: 'payments:1.0' }] },
    });
    expect(rollout.metadata.annotations[ROLLBACK_ANNOTATION]).toBe('rollout-7');
    const abortCall = server.received.find(r => r.url.endsWith('/status'))!;
    expect(JSON.parse(abortCall.body)).toEqual({ status: { abort: true } });

    // A retried webhook or attempt with the same key must not undo a second revision.
    const again = await executor.rollback(request);
    expect(again).toMatchObject({
      status: 'succeeded',
      message: expect.stringContaining('already rolled back'),
    });
    expect(templateReplacements).toHaveLength(1);
  });

  describe('checks that the newest revision is the release the rollout watches', () => {
    const watching = request;

    it('undoes it when its image is the digest of the rollout record', async () => {
      const { rollout, server } = await cluster({
        newestImage: `registry.example.com/payments@${D2}`,
        currentPodHash: 'h2',
      });
      const result = await new ArgoRolloutsExecutor(
        config(server.url),
        name,
      ).rollback(watching);
      expect(result).toMatchObject({
        status: 'succeeded',
        message: expect.stringContaining('restored to revision 1'),
      });
      expect(rollout.spec.template.spec.containers[0].image).toBe(
        'payments:1.0',
      );
    });

    it.each([
      [
        'a newer release runs another digest',
        { newestImage: `registry.example.com/payments@${D3}` },
        `runs registry.example.com/payments@${D3}, not ${D2}`,
      ],
      [
        "the newest ReplicaSet is not the Rollout's current one",
        {
          newestImage: `registry.example.com/payments@${D2}`,
          currentPodHash: 'h7',
        },
        'is not its current one (h7)',
      ],
      [
        "the newest ReplicaSet runs another digest than the Rollout's template",
        {
          newestImage: `registry.example.com/payments@${D3}`,
          templateImage: `registry.example.com/payments@${D2}`,
        },
        `revision 2 runs registry.example.com/payments@${D3}, not ${D2}`,
      ],
    ])(
      'refuses when %s, without aborting or undoing anything',
      async (_label, options, why) => {
        const { rollout, server, templateReplacements } = await cluster(
          options,
        );
        const result = await new ArgoRolloutsExecutor(
          config(server.url),
          name,
        ).rollback(watching);
        expect(result).toEqual({
          status: 'failed',
          retryable: false,
          message: expect.stringContaining(why),
        });
        expect(result.message).toContain(
          'not the release rollout rollout-7 watches (deployment d-7), so nothing was aborted or undone',
        );
        expect(server.received.filter(r => r.method === 'PATCH')).toEqual([]);
        expect(rollout.status.abort).toBeUndefined();
        expect(templateReplacements).toEqual([]);
      },
    );
  });

  describe('acts only on a Rollout bound to the rollout’s entity', () => {
    it.each([
      ['carries no entity annotation', null],
      ['names another entity', 'component:default/checkout'],
      [
        'names the same-named entity of another namespace',
        'component:team-y/payments',
      ],
    ])(
      'refuses one that %s, with or without undo, and writes nothing',
      async (_label, boundTo) => {
        for (const undo of [true, false]) {
          const { rollout, server, templateReplacements } = await cluster({
            boundTo,
          });
          const result = await new ArgoRolloutsExecutor(
            config(server.url, { undo }),
            name,
          ).rollback(request);
          expect(result).toEqual({
            status: 'failed',
            retryable: false,
            message: expect.stringContaining(
              `Rollout shop/payments-rollout is not bound to component:default/payments: its annotation ${ROLLOUT_ENTITY_ANNOTATION}`,
            ),
          });
          expect(result.message).toContain('nothing was aborted or undone');
          // The other entity is not named to whoever asked for the rollback.
          expect(result.message).not.toContain(boundTo ?? 'null');
          expect(writes(server.received)).toEqual([]);
          expect(rollout.status.abort).toBeUndefined();
          expect(templateReplacements).toEqual([]);
        }
      },
    );

    it('takes the entity reference in any case, as the catalog does', async () => {
      const { rollout, server } = await cluster({
        boundTo: 'Component:Default/Payments',
      });
      const result = await new ArgoRolloutsExecutor(
        config(server.url),
        name,
      ).rollback(request);
      expect(result).toMatchObject({ status: 'succeeded' });
      expect(rollout.status.abort).toBe(true);
    });
  });

  describe('acts only in the namespace of the rollback’s environment', () => {
    async function twoEnvironments() {
      const production = fakeCluster({ namespace: 'shop' });
      const staging = fakeCluster({ namespace: 'shop-staging' });
      const server = await startServer(req =>
        (req.url.includes('/namespaces/shop-staging/')
          ? staging
          : production
        ).handle(req),
      );
      closers.push(server.close);
      return { production, staging, server };
    }
    const environments = (apiUrl: string, names: string[]) =>
      names.map(envName => ({
        name: envName,
        apiUrl,
        token,
        namespace: envName === 'staging' ? 'shop-staging' : 'shop',
      }));

    it('rolls back the staging Rollout for a staging rollout and leaves production’s alone', async () => {
      const { production, staging, server } = await twoEnvironments();
      const result = await new ArgoRolloutsExecutor(
        config(server.url, {
          environments: environments(server.url, ['production', 'staging']),
        }),
        name,
      ).rollback({ ...request, environment: 'staging' });
      expect(result).toEqual({
        status: 'succeeded',
        message:
          'Rollout shop-staging/payments-rollout aborted and restored to revision 1',
        retryable: false,
      });
      expect(staging.rollout.status.abort).toBe(true);
      expect(production.rollout.status.abort).toBeUndefined();
      expect(production.templateReplacements).toEqual([]);
      expect(
        server.received.filter(r => r.url.includes('/namespaces/shop/')),
      ).toEqual([]);
    });

    it('refuses an environment that is not configured, asking the cluster nothing', async () => {
      const { production, server } = await twoEnvironments();
      // Only staging is configured: production must not fall back to its namespace.
      const result = await new ArgoRolloutsExecutor(
        config(server.url, {
          environments: environments(server.url, ['staging']),
        }),
        name,
      ).rollback(request);
      expect(result).toEqual({
        status: 'failed',
        retryable: false,
        message:
          'no namespace is configured for environment production (greenlight.rollouts.argo.environments), so nothing was aborted or undone',
      });
      expect(server.received).toEqual([]);
      expect(production.rollout.status.abort).toBeUndefined();
    });
  });

  describe('needs the artifact digest of the rollout', () => {
    it.each([
      ['names none', undefined],
      ['names one that is not a digest', 'sha256:2222'],
    ])(
      'refuses a rollout record that %s, asking the cluster nothing, with or without undo',
      async (_label, artifactDigest) => {
        for (const undo of [true, false]) {
          const { rollout, server } = await cluster();
          const result = await new ArgoRolloutsExecutor(
            config(server.url, { undo }),
            name,
          ).rollback({ ...request, artifactDigest });
          expect(result).toEqual({
            status: 'failed',
            retryable: false,
            message:
              'rollout rollout-7 names no artifact digest (sha256:<hex>) that its Argo Rollout must run, so nothing was aborted or undone',
          });
          expect(server.received).toEqual([]);
          expect(rollout.status.abort).toBeUndefined();
        }
      },
    );

    it.each([
      ['another digest', `registry.example.com/payments@${D3}`],
      ['a tag only', 'registry.example.com/payments:2.0'],
    ])(
      'refuses, also with undo: false, a Rollout whose template runs %s, and writes nothing',
      async (_label, image) => {
        const { rollout, server } = await cluster({ newestImage: image });
        const result = await new ArgoRolloutsExecutor(
          config(server.url, { undo: false }),
          name,
        ).rollback(request);
        expect(result).toEqual({
          status: 'failed',
          retryable: false,
          message: `Rollout shop/payments-rollout: its pod template runs ${image}, not ${D2}; it is not the release rollout rollout-7 watches (deployment d-7), so nothing was aborted or undone`,
        });
        expect(writes(server.received)).toEqual([]);
        expect(rollout.status.abort).toBeUndefined();
      },
    );
  });

  it('patches the Rollout itself when the CRD has no status subresource', async () => {
    const { rollout, server } = await cluster({ statusSubresource: false });
    const result = await new ArgoRolloutsExecutor(
      config(server.url, { undo: false }),
      name,
    ).rollback(request);
    expect(result).toEqual({
      status: 'succeeded',
      message: 'Rollout shop/payments-rollout aborted',
      retryable: false,
    });
    expect(rollout.status.abort).toBe(true);
    expect(rollout.spec.template.spec.containers[0].image).toBe(
      `registry.example.com/payments@${D2}`,
    );
  });

  it('fails without retry when the API refuses, and never echoes the token', async () => {
    const { server } = await cluster({ forbid: true });
    const result = await new ArgoRolloutsExecutor(
      config(server.url),
      name,
    ).rollback(request);
    expect(result).toEqual({
      status: 'failed',
      message:
        'Kubernetes API failed reading Rollout shop/payments-rollout: HTTP 403 Forbidden',
      retryable: false,
    });
    expect(result.message).not.toContain(token);
  });

  it('reports an unknown Rollout as a permanent failure and an unreachable API as retryable', async () => {
    const { server } = await cluster();
    const missing = await new ArgoRolloutsExecutor(
      config(server.url),
      async () => 'nope',
    ).rollback(request);
    expect(missing).toMatchObject({ status: 'failed', retryable: false });
    const closed = await startServer(() => ({ status: 200 }));
    await closed.close();
    const down = await new ArgoRolloutsExecutor(
      config(closed.url),
      name,
    ).rollback(request);
    expect(down).toMatchObject({ status: 'failed', retryable: true });
  });

  const haveOpenssl = (() => {
    try {
      execFileSync('openssl', ['version']);
      return true;
    } catch {
      return false;
    }
  })();
  (haveOpenssl ? describe : describe.skip)(
    'behind a private certificate authority',
    () => {
      it('trusts the API server certificate given as caCertFile', async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'argo-ca-'));
        closers.push(async () =>
          fs.rmSync(dir, { recursive: true, force: true }),
        );
        execFileSync(
          'openssl',
          [
            'req',
            '-x509',
            '-newkey',
            'ec',
            '-pkeyopt',
            'ec_paramgen_curve:prime256v1',
            '-nodes',
            '-days',
            '1',
            '-subj',
            '/CN=127.0.0.1',
            '-addext',
            'subjectAltName=IP:127.0.0.1',
            '-keyout',
            path.join(dir, 'key.pem'),
            '-out',
            path.join(dir, 'cert.pem'),
          ],
          { stdio: 'ignore' },
        );
        const fake = fakeCluster({ statusSubresource: true });
        const server = https.createServer(
          {
            key: fs.readFileSync(path.join(dir, 'key.pem')),
            cert: fs.readFileSync(path.join(dir, 'cert.pem')),
          },
          (req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', c => chunks.push(c));
            req.on('end', () => {
              const answer = fake.handle({
                method: req.method!,
                url: req.url!,
                headers: req.headers,
                body: Buffer.concat(chunks).toString(),
              });
              res.writeHead(answer.status, {
                'Content-Type': 'application/json',
              });
              res.end(JSON.stringify(answer.body));
            });
          },
        );
        await new Promise<void>(resolve =>
          server.listen(0, '127.0.0.1', resolve),
        );
        closers.push(
          () => new Promise(resolve => server.close(() => resolve())),
        );
        const apiUrl = `https://127.0.0.1:${
          (server.address() as AddressInfo).port
        }`;

        const untrusted = await new ArgoRolloutsExecutor(
          config(apiUrl),
          name,
        ).rollback(request);
        expect(untrusted).toMatchObject({ status: 'failed', retryable: true });
        const trusted = await new ArgoRolloutsExecutor(
          config(apiUrl, { caCertFile: path.join(dir, 'cert.pem') }),
          name,
        ).rollback(request);
        expect(trusted).toMatchObject({ status: 'succeeded' });
        expect(fake.rollout.status.abort).toBe(true);
      });
    },
  );
});
