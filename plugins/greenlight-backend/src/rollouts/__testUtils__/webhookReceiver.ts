import { createHmac, timingSafeEqual } from 'node:crypto';
import { startServer } from '@greenlight/test-utils';

export type WebhookCall = {
  rolloutId: string;
  idempotencyKey: string;
  signatureValid: boolean;
  body: any;
};

/**
 * A delivery system's rollback endpoint: checks the HMAC like a real receiver would and
 * records every call. `hold(deploymentId)` makes it leave the next call for that deployment
 * unanswered, as a receiver that crashed before acknowledging.
 */
export async function startWebhookReceiver(secret: string) {
  const calls: WebhookCall[] = [];
  const held = new Set<string>();
  const server = await startServer(req => {
    const body = JSON.parse(req.body);
    const expected = Buffer.from(
      `sha256=${createHmac('sha256', secret).update(req.body).digest('hex')}`,
    );
    const given = Buffer.from(
      String(req.headers['x-greenlight-signature-256'] ?? ''),
    );
    const signatureValid =
      given.length === expected.length && timingSafeEqual(given, expected);
    calls.push({
      rolloutId: body.rolloutId,
      idempotencyKey: String(req.headers['idempotency-key']),
      signatureValid,
      body,
    });
    if (!signatureValid) return { status: 401 };
    if (held.delete(body.deploymentId)) return new Promise(() => undefined);
    return { status: 200, body: { accepted: true } };
  });
  return {
    url: `${server.url}/rollback`,
    calls,
    callsFor: (rolloutId: string) =>
      calls.filter(c => c.rolloutId === rolloutId),
    hold: (deploymentId: string) => held.add(deploymentId),
    close: server.close,
  };
}
