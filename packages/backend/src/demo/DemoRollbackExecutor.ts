import {
  RollbackExecutor,
  RollbackRequest,
  RollbackResult,
} from '@greenlight/backstage-plugin-greenlight-node';
import { DemoPoster } from './poster';

/**
 * DEMO ONLY: "rolls back" a demo canary the way a CD system would report it — the canary
 * deployment finishes as rolled back and a rollback deployment follows — through
 * Greenlight's public ingestion API. Like most CD systems, it does not say which artifact
 * the rollback restored: Greenlight's rollback rule records what ran before the canary.
 */
export class DemoRollbackExecutor implements RollbackExecutor {
  readonly id = 'demo';

  constructor(private readonly poster: DemoPoster) {}

  async rollback(request: RollbackRequest): Promise<RollbackResult> {
    const now = new Date().toISOString();
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
        },
      },
    ]);
    return { status: 'succeeded', message: 'demo canary rolled back', retryable: false };
  }
}
