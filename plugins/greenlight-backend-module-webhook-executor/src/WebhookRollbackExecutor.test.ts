import { createHmac } from 'node:crypto';
import type { RollbackRequest } from '@greenlight/backstage-plugin-greenlight-node';
import { WebhookRollbackExecutor } from './WebhookRollbackExecutor';
import { startServer } from '@greenlight/test-utils';

const secret = 'whsec-test-3f9a';

const request: RollbackRequest = {
  rolloutId: 'rollout-1',
  entityRef: 'component:default/payments',
  environment: 'production',
  deploymentId: 'payments-1.4.0-production',
  artifactDigest: `sha256:${'a'.repeat(64)}`,
  reason: 'slo/errors: 2 consecutive evaluations failed',
  idempotencyKey: 'rollout-1',
  evidence: { summary: 'error rate 0.31 > 0.05' },
};

describe('WebhookRollbackExecutor', () => {
  const servers: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  async function receiver(status: number) {
    const server = await startServer(() => ({
      status,
      body: { ok: status < 300 },
    }));
    servers.push(server);
    return server;
  }

  it('posts a signed JSON body with the rollout id as idempotency key', async () => {
    const server = await receiver(202);
    const executor = new WebhookRollbackExecutor({
      url: `${server.url}/hooks/rollback`,
      secret,
      timeoutMs: 2000,
    });
    const result = await executor.rollback(request);
    expect(result).toEqual({
      status: 'succeeded',
      message: 'webhook answered HTTP 202',
      retryable: false,
    });
    expect(server.received).toHaveLength(1);
    const [call] = server.received;
    expect(call).toMatchObject({ method: 'POST', url: '/hooks/rollback' });
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.headers['idempotency-key']).toBe('rollout-1');
    const expected = `sha256=${createHmac('sha256', secret)
      .update(call.body)
      .digest('hex')}`;
    expect(call.headers['x-greenlight-signature-256']).toBe(expected);
    expect(JSON.parse(call.body)).toEqual({
      action: 'rollback',
      // Signed with the body: the header alone is not.
      idempotencyKey: call.headers['idempotency-key'],
      rolloutId: 'rollout-1',
      entityRef: 'component:default/payments',
      environment: 'production',
      deploymentId: 'payments-1.4.0-production',
      artifactDigest: request.artifactDigest,
      reason: request.reason,
      evidence: request.evidence,
    });
    expect(call.body).not.toContain(secret);
  });

  it('sends a byte-identical request when a rollback is retried', async () => {
    const server = await receiver(503);
    const executor = new WebhookRollbackExecutor({
      url: server.url,
      secret,
      timeoutMs: 2000,
    });
    await executor.rollback(request);
    await executor.rollback(request);
    const [first, second] = server.received;
    expect(second.body).toBe(first.body);
    expect(second.headers['x-greenlight-signature-256']).toBe(
      first.headers['x-greenlight-signature-256'],
    );
    expect(second.headers['idempotency-key']).toBe(
      first.headers['idempotency-key'],
    );
  });

  it.each([
    [503, true],
    [500, true],
    [429, true],
    [408, true],
    [400, false],
    [401, false],
    [404, false],
  ])(
    'reports HTTP %p as a failure, retryable: %p',
    async (status, retryable) => {
      const server = await receiver(status);
      const executor = new WebhookRollbackExecutor({
        url: server.url,
        secret,
        timeoutMs: 2000,
      });
      expect(await executor.rollback(request)).toEqual({
        status: 'failed',
        message: `webhook answered HTTP ${status}`,
        retryable,
      });
    },
  );

  it('reports an unreachable receiver and a timeout as retryable failures', async () => {
    const closed = await startServer(() => ({ status: 200 }));
    const url = closed.url;
    await closed.close();
    const unreachable = await new WebhookRollbackExecutor({
      url,
      secret,
      timeoutMs: 2000,
    }).rollback(request);
    expect(unreachable).toMatchObject({ status: 'failed', retryable: true });
    expect(unreachable.message).toMatch(/^webhook request failed/);

    const silent = await startServer(() => new Promise(() => undefined));
    servers.push(silent);
    const slow = await new WebhookRollbackExecutor({
      url: silent.url,
      secret,
      timeoutMs: 200,
    }).rollback(request);
    expect(slow).toEqual({
      status: 'failed',
      message: 'webhook did not answer within 200 ms',
      retryable: true,
    });
  });
});
