import type {
  RollbackExecutor,
  RollbackRequest,
  RollbackResult,
} from '@greenlight/backstage-plugin-greenlight-node';
import { createHmac } from 'node:crypto';
import type { WebhookExecutorConfig } from './config';

/**
 * The header that carries the body's signature.
 *
 * @public
 */
export const SIGNATURE_HEADER = 'X-Greenlight-Signature-256';

/**
 * `sha256=<hex HMAC-SHA256 of the body>`, the layout GitHub uses for its webhooks; a
 * receiver checks a request with it.
 *
 * @public
 */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Statuses worth another try: the receiver may answer differently later. */
function retryableStatus(status: number) {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * Asks a delivery system to roll back through a signed webhook. One call is one attempt;
 * the watcher retries with backoff, sending the same body and `Idempotency-Key` (the
 * rollout id), so a receiver that dedupes by key rolls back once.
 *
 * @public
 */
export class WebhookRollbackExecutor implements RollbackExecutor {
  readonly id = 'webhook';

  constructor(private readonly config: WebhookExecutorConfig) {}

  async rollback(request: RollbackRequest): Promise<RollbackResult> {
    // No timestamp in the body: a retry must be byte-identical to the first attempt. The key
    // is in the signed body as well as in its header: the header is not signed, so a receiver
    // that deduped on it alone would roll back again for a captured request re-sent with a
    // new key.
    const body = JSON.stringify({
      action: 'rollback',
      idempotencyKey: request.idempotencyKey,
      rolloutId: request.rolloutId,
      entityRef: request.entityRef,
      environment: request.environment,
      deploymentId: request.deploymentId,
      artifactDigest: request.artifactDigest ?? null,
      reason: request.reason,
      evidence: request.evidence,
    });
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = request.signal
      ? AbortSignal.any([request.signal, timeout])
      : timeout;
    let response: Response;
    try {
      response = await fetch(this.config.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'greenlight-rollouts',
          'Idempotency-Key': request.idempotencyKey,
          [SIGNATURE_HEADER]: signBody(body, this.config.secret),
        },
        body,
        signal,
        redirect: 'manual',
      });
    } catch (e) {
      const message = timeout.aborted
        ? `webhook did not answer within ${this.config.timeoutMs} ms`
        : `webhook request failed: ${(e as Error).message}`;
      return { status: 'failed', message, retryable: true };
    }
    // The body is drained but not echoed: a receiver's error page is no place for secrets to leak from.
    await response.arrayBuffer().catch(() => undefined);
    if (response.ok) {
      return {
        status: 'succeeded',
        message: `webhook answered HTTP ${response.status}`,
        retryable: false,
      };
    }
    return {
      status: 'failed',
      message: `webhook answered HTTP ${response.status}`,
      retryable: retryableStatus(response.status),
    };
  }
}
