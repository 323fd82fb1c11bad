import type {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import pRetry, { AbortError } from 'p-retry';
import type {
  GreenlightRegistrationResult,
  GreenlightRequestOptions,
  GreenlightService,
  GreenlightServiceRegistration,
} from './GreenlightService';

/**
 * How `DefaultGreenlightService` retries.
 *
 * @public
 */
export interface GreenlightRetryOptions {
  /** Tries in all, the first included. Defaults to 3. */
  attempts?: number;
  /** Pause before the second try, doubled for each further one. Defaults to 500 ms. */
  minDelayMs?: number;
  /** Timeout of one try. Defaults to 30 s. */
  timeoutMs?: number;
}

function retryable(status: number) {
  return status >= 500 || status === 408 || status === 429;
}

async function reasonOf(response: Response): Promise<string> {
  const text = await response.text();
  try {
    return JSON.parse(text)?.error?.message ?? text;
  } catch {
    return text;
  }
}

/**
 * The `GreenlightService` that `greenlightServiceRef` provides by default.
 *
 * @public
 */
export class DefaultGreenlightService implements GreenlightService {
  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    retry?: GreenlightRetryOptions;
  }): DefaultGreenlightService {
    return new DefaultGreenlightService(
      options.discovery,
      options.auth,
      options.logger,
      options.retry ?? {},
    );
  }

  private constructor(
    private readonly discovery: DiscoveryService,
    private readonly auth: AuthService,
    private readonly logger: LoggerService,
    private readonly retry: GreenlightRetryOptions,
  ) {}

  async registerService(
    entityRef: CompoundEntityRef,
    registration: GreenlightServiceRegistration,
    options: GreenlightRequestOptions,
  ): Promise<GreenlightRegistrationResult> {
    const path = [entityRef.namespace, entityRef.kind, entityRef.name]
      .map(encodeURIComponent)
      .join('/');
    const response = await this.request(`/v1/services/${path}`, options, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(registration),
    });
    const result =
      (await response.json()) as Partial<GreenlightRegistrationResult>;
    return {
      created: Boolean(result.created),
      changed: Boolean(result.changed),
    };
  }

  /**
   * Sends an idempotent request, retrying transient failures. Anything else is the
   * caller's to fix and fails at once with Greenlight's reason.
   */
  private async request(
    path: string,
    options: GreenlightRequestOptions,
    init: RequestInit,
  ): Promise<Response> {
    const attempts = this.retry.attempts ?? 3;
    const timeoutMs = this.retry.timeoutMs ?? 30_000;
    const baseUrl = await this.discovery.getBaseUrl('greenlight');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: options.credentials,
      targetPluginId: 'greenlight',
    });
    let exhausted = false;
    try {
      return await pRetry(
        async () => {
          const signals = [AbortSignal.timeout(timeoutMs)];
          if (options.signal) signals.push(options.signal);
          const response = await fetch(`${baseUrl}${path}`, {
            ...init,
            headers: { ...init.headers, Authorization: `Bearer ${token}` },
            signal: AbortSignal.any(signals),
          });
          if (response.ok) return response;
          const problem = `HTTP ${response.status}: ${await reasonOf(
            response,
          )}`;
          if (!retryable(response.status)) throw new AbortError(problem);
          throw new Error(problem);
        },
        {
          retries: attempts - 1,
          minTimeout: this.retry.minDelayMs ?? 500,
          factor: 2,
          randomize: false,
          signal: options.signal,
          onFailedAttempt: error => {
            exhausted = error.retriesLeft === 0;
            if (!exhausted) {
              this.logger.warn(
                `Greenlight ${init.method} ${path}: attempt ${error.attemptNumber} of ${attempts} failed: ${error.message}`,
              );
            }
          },
        },
      );
    } catch (error) {
      if (!exhausted || attempts === 1 || options.signal?.aborted) throw error;
      throw new Error(
        `no answer after ${attempts} attempts: ${(error as Error).message}`,
      );
    }
  }
}
