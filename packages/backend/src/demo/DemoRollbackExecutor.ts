import {
  RollbackExecutor,
  RollbackRequest,
  RollbackResult,
} from '@greenlight/backstage-plugin-greenlight-node';
import { DemoPoster } from './poster';

/**
 * DEMO ONLY: "rolls back" a demo canary the way a CD system would report it — the canary
 * deployment finishes as rolled back and the previous version is redeployed — through
 * Greenlight's public ingestion API.
 */
export class DemoRollbackExecutor implements RollbackExecutor {
  readonly id = 'demo';

  constructor(
    private readonly poster: DemoPoster,
    private readonly previous: (entityRef: string) => { version: string; digest: string; commitSha: string } | undefined,
  ) {}

  async rollback(request: RollbackRequest): Promise<RollbackResult> {
    const now = new Date().toISOString();
    const previous = this.previous(request.entityRef);
    await this.poster.post([
      {
        id: `${request.deploymentId}-rolled-back`,
        type: 'deployment.finished',
        entityRef: request.entityRef,
        deployment: {
          id: request.deploymentId,
          environment: request.environment,
          status: 'rolled-back',
          strategy: 'canary',
          intent: 'planned',
          finishedAt: now,
        },
      },
      {
        id: `${request.deploymentId}-rollback`,
        type: 'deployment.finished',
        entityRef: request.entityRef,
        deployment: {
          id: `${request.deploymentId}-rollback`,
          environment: request.environment,
          status: 'succeeded',
          strategy: 'all-at-once',
          intent: 'rollback',
          rollbackOf: request.deploymentId,
          actor: 'greenlight',
          startedAt: now,
          finishedAt: now,
          ...(previous
            ? { version: previous.version, artifactDigest: previous.digest, commitSha: previous.commitSha }
            : {}),
        },
      },
    ]);
    return { status: 'succeeded', message: 'demo canary rolled back', retryable: false };
  }
}
