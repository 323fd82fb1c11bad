/**
 * What led to a rollback, kept with the rollout and shown to people. Must be
 * JSON-serialisable.
 *
 * @public
 */
export interface RollbackEvidence {
  summary: string;
  /** The gates that asked for the rollback, with the evaluations that tripped them. */
  gates?: Array<{ gateId: string; reason: string; evaluations?: unknown[] }>;
  [extra: string]: unknown;
}

/** @public */
export interface RollbackRequest {
  rolloutId: string;
  entityRef: string;
  environment: string;
  /** The deployment to undo. */
  deploymentId: string;
  /** The artifact of that deployment, `sha256:<hex>`. */
  artifactDigest?: string;
  reason: string;
  /**
   * The same key is sent again when a rollback is retried; executors must not roll
   * back twice for one key.
   */
  idempotencyKey: string;
  evidence: RollbackEvidence;
  signal?: AbortSignal;
}

/** @public */
export interface RollbackResult {
  status: 'succeeded' | 'failed';
  message: string;
  /** Whether trying again with the same idempotency key may succeed. */
  retryable: boolean;
}

/**
 * Undoes a deployment through a delivery system (Argo Rollouts, a CD pipeline, a
 * feature-flag service). Failures are returned, not thrown.
 *
 * @public
 */
export interface RollbackExecutor {
  readonly id: string;
  rollback(request: RollbackRequest): Promise<RollbackResult>;
}
