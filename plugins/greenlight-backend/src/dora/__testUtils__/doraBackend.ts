import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import request from 'supertest';
import { capturedScheduler } from '../../__testUtils__/capturedScheduler';
import { greenlightPlugin } from '../../plugin';
import { DORA_ROLLUP_TASK_ID } from '../feature';

export const HOUR = 3_600_000;
export const MINUTE = 60_000;

/** A hex SHA standing for a short commit name in a worked example. */
export function sha(name: string): string {
  return Buffer.from(name).toString('hex').padEnd(12, '0');
}

export function component(name: string, owner: string, extra: Partial<Entity['spec']> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', lifecycle: 'production', owner, ...extra },
    relations: [
      { type: 'ownedBy', targetRef: owner },
      ...(extra.system ? [{ type: 'partOf', targetRef: `system:default/${extra.system}` }] : []),
    ],
  };
}

export function group(name: string, options: { parent?: string; children?: string[]; members?: string[] } = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'team',
      children: options.children ?? [],
      ...(options.parent ? { parent: options.parent } : {}),
    },
    relations: [
      ...(options.children ?? []).map(c => ({ type: 'parentOf', targetRef: `group:default/${c}` })),
      ...(options.parent ? [{ type: 'childOf', targetRef: `group:default/${options.parent}` }] : []),
      ...(options.members ?? []).map(m => ({ type: 'hasMember', targetRef: m })),
    ],
  };
}

export function system(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name, namespace: 'default' },
    spec: { owner },
    relations: [{ type: 'ownedBy', targetRef: owner }],
  };
}

type DeploymentOptions = {
  commits?: string[];
  intent?: 'planned' | 'hotfix' | 'rollback' | 'revert';
  rollbackOf?: string;
  replaces?: string;
  startedAt?: string;
};

/** A finished deployment as a pipeline reports it. */
export function deployment(
  id: string,
  entity: string,
  environment: string,
  status: 'succeeded' | 'failed' | 'rolled-back' | 'cancelled',
  finishedAt: string,
  options: DeploymentOptions = {},
): GreenlightEvent {
  const shas = (options.commits ?? []).map(sha);
  return {
    id: `${id}-finished`,
    type: 'deployment.finished',
    entityRef: `component:default/${entity}`,
    deployment: {
      id,
      environment,
      status,
      strategy: 'all-at-once',
      intent: options.intent ?? 'planned',
      ...(shas.length > 0 ? { commitSha: shas[0], commits: shas } : {}),
      ...(options.rollbackOf ? { rollbackOf: options.rollbackOf } : {}),
      ...(options.replaces ? { replaces: options.replaces } : {}),
      startedAt: options.startedAt ?? new Date(Date.parse(finishedAt) - 10 * MINUTE).toISOString(),
      finishedAt,
    },
  };
}

export function commits(entity: string, list: Array<[name: string, committedAt: string]>): GreenlightEvent {
  return {
    id: `commits-${entity}-${list.map(([n]) => n).join('-')}`,
    type: 'commits',
    entityRef: `component:default/${entity}`,
    commits: list.map(([name, committedAt]) => ({
      sha: sha(name),
      repository: `github.com/acme/${entity}`,
      committedAt,
    })),
  };
}

export function incident(
  id: string,
  entities: string[],
  detectedAt: string,
  options: { resolvedAt?: string; deploymentId?: string } = {},
): GreenlightEvent {
  return {
    id: `${id}-${options.resolvedAt ? 'resolved' : 'opened'}`,
    type: options.resolvedAt ? 'incident.resolved' : 'incident.opened',
    ...(entities.length > 0 ? { entityRef: `component:default/${entities[0]}` } : {}),
    incident: {
      id,
      entityRefs: entities.map(e => `component:default/${e}`),
      detectedAt,
      ...(options.resolvedAt ? { resolvedAt: options.resolvedAt } : {}),
      ...(options.deploymentId ? { deploymentId: options.deploymentId } : {}),
    },
  };
}

export const ENVIRONMENTS = [
  { name: 'development', tier: 'development' },
  { name: 'staging', tier: 'staging' },
  { name: 'production', tier: 'production' },
  { name: 'production-eu', tier: 'production' },
];

/**
 * The real plugin behind a real HTTP server, with the catalog and scheduler as test
 * doubles: the scheduler only runs the rollup task when a test says so.
 */
export type DoraTestBackend = {
  server: Parameters<typeof request>[0];
  post(events: GreenlightEvent[]): Promise<any>;
  refresh(): Promise<void>;
  get(path: string, query: Record<string, string>, as?: 'user' | 'service'): request.Test;
};

export async function startDoraBackend(options: {
  entities: Entity[];
  knex?: Knex;
  dora?: object;
  /** More `greenlight` configuration, e.g. `webhooks`. */
  greenlight?: object;
}): Promise<DoraTestBackend> {
  const scheduler = capturedScheduler();
  const { server } = await startTestBackend({
    features: [
      greenlightPlugin,
      scheduler.module,
      catalogServiceMock.factory({ entities: options.entities }),
      mockServices.scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.rootConfig.factory({
        data: {
          greenlight: {
            environments: ENVIRONMENTS,
            ...(options.dora ? { dora: options.dora } : {}),
            ...options.greenlight,
          },
        },
      }),
      ...(options.knex ? [mockServices.database.factory({ knex: options.knex })] : []),
    ],
  });
  const service = mockCredentials.service.header();
  return {
    server,
    async post(events: GreenlightEvent[]) {
      const res = await request(server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', service)
        .send({ events });
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}: ${JSON.stringify(res.body)}`);
      return res.body;
    },
    /** Runs the scheduled rollup task once, as the scheduler would. */
    async refresh() {
      await scheduler.trigger(DORA_ROLLUP_TASK_ID);
    },
    get(path: string, query: Record<string, string>, as: 'user' | 'service' = 'user') {
      return request(server)
        .get(`/api/greenlight${path}`)
        .query(query)
        .set('Authorization', as === 'user' ? mockCredentials.user.header() : service);
    },
  };
}
