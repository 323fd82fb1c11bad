import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DoraResponse } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';
import { commits, component, deployment, group, startDoraBackend, system } from './__testUtils__/doraBackend';
import { DORA_CSV_COLUMNS } from './csv';
import { lastReviewedAt } from './reviews';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

const entities = [
  component('checkout', 'group:default/shop', { system: 'store' }),
  component('cart', 'group:default/shop', { system: 'store' }),
  component('quiet', 'group:default/shop'),
  group('shop'),
  system('store', 'group:default/shop'),
];
const window = { from: '2026-04-06T00:00:00Z', to: '2026-04-20T00:00:00Z' };

describe('GET /v1/dora and /v1/dora.csv', () => {
  const databases = createTestDatabases();
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startDoraBackend>>;

  beforeAll(async () => {
    knex = await databases.init('SQLITE_3');
    backend = await startDoraBackend({ entities, knex });
    await backend.post([
      commits('checkout', [['k1', '2026-04-07T08:00:00Z']]),
      deployment('k1', 'checkout', 'production', 'succeeded', '2026-04-07T10:00:00Z', { commits: ['k1'] }),
      deployment('k2', 'checkout', 'production', 'failed', '2026-04-08T10:00:00Z', { commits: ['k2'] }),
      commits('cart', [['t1', '2026-04-09T08:00:00Z']]),
      deployment('t1', 'cart', 'production', 'succeeded', '2026-04-09T12:00:00Z', { commits: ['t1'] }),
      deployment('q1', 'quiet', 'staging', 'succeeded', '2026-04-09T12:00:00Z'),
    ]);
    await backend.refresh();
  });

  it.each([
    [{ entityRef: 'component:default/checkout', bucket: 'day' }, 'bucket'],
    [{ entityRef: 'component:default/checkout', from: '2026-04-20T00:00:00Z', to: '2026-04-06T00:00:00Z' }, 'to'],
    [{ entityRef: 'component:default/checkout', from: '2026-04-06T00:00:00Z', to: '2026-04-06T00:00:00Z' }, 'to'],
    [{ entityRef: 'component:default/checkout', groupRef: 'group:default/shop' }, 'entityRef'],
    [{ entityRef: 'component:default/checkout', groupRef: 'group:default/shop' }, 'groupRef'],
    [{ groupRef: 'shop', systemRef: 'store' }, 'systemRef'],
    [{ entityRef: 'component:default/checkout', from: 'yesterday' }, 'from'],
    [{ entityRef: 'component:default/checkout', reportYear: '2022' }, 'reportYear'],
    [{ groupRef: 'component:default/checkout' }, 'groupRef'],
    // a bare name is a component in the default namespace; a reference that does not parse is refused
    [{ entityRef: '::::' }, 'entityRef'],
    [{ entityRef: 'component:default/checkout', from: '2020-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }, 'from'],
  ])('answers 400 naming the field for %j', async (query, field) => {
    for (const path of ['/v1/dora', '/v1/dora.csv']) {
      const res = await backend.get(path, query);
      expect({ path, status: res.status, name: res.body.error?.name }).toEqual({ path, status: 400, name: 'InputError' });
      expect(res.body.error.message).toContain(field);
    }
  });

  it.each([
    [{ entityRef: 'component:default/hidden' }],
    [{ groupRef: 'group:default/nobody' }],
    [{ systemRef: 'system:default/elsewhere' }],
  ])('answers 404 for %j, which the caller cannot see', async query => {
    const res = await backend.get('/v1/dora', { ...query, ...window });
    expect(res.status).toBe(404);
    expect(res.body.error.name).toBe('NotFoundError');
  });

  it('scopes a system through partOf and spec.system', async () => {
    const body: DoraResponse = (await backend.get('/v1/dora', { systemRef: 'store', ...window })).body;
    expect(body.scope).toEqual({ kind: 'system', ref: 'system:default/store', entityRefs: 2 });
    expect(body.breakdown.map(b => b.entityRef)).toEqual(['component:default/cart', 'component:default/checkout']);
    expect(body.current.deploymentFrequency.count).toBe(2);
  });

  it('names the entities of a team that never deploy to production', async () => {
    const body: DoraResponse = (await backend.get('/v1/dora', { groupRef: 'shop', ...window })).body;
    expect(body.dataQuality).toContainEqual({
      id: 'entities-without-production',
      count: 1,
      examples: ['component:default/quiet'],
    });
  });

  it('exports the per-entity breakdown as CSV with a documented header', async () => {
    const res = await backend.get('/v1/dora.csv', { groupRef: 'group:default/shop', ...window });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(
      'attachment; filename="dora-group-default-shop-2026-04-06-2026-04-20.csv"',
    );
    const lines = res.text.split('\r\n');
    expect(lines.pop()).toBe('');
    expect(lines[0]).toBe(DORA_CSV_COLUMNS.join(','));
    const rows = lines.slice(1).map(l => Object.fromEntries(l.split(',').map((v, i) => [DORA_CSV_COLUMNS[i], v])));
    expect(rows.map(r => r.entity_ref)).toEqual([
      'component:default/cart',
      'component:default/checkout',
      'component:default/quiet',
    ]);
    expect(rows[1]).toMatchObject({
      deployments: '1',
      deployments_per_day: String(1 / 14),
      change_fail_numerator: '1',
      change_fail_denominator: '2',
      change_fail_rate: '0.5',
      change_fail_tier: 'insufficient-data',
      lead_time_n: '1',
      recovery_n: '0',
      recovery_median_ms: '',
      recovery_unrecovered: '1',
      rework_rate: '0',
      rework_tier: 'not-benchmarked',
    });
    expect(Number(rows[1].lead_time_median_ms)).toBeCloseTo(2 * 3_600_000, -5);
    expect(rows[2]).toMatchObject({ deployments: '0', change_fail_rate: '', lead_time_median_ms: '' });
  });

  it('exports a single entity as one row', async () => {
    const res = await backend.get('/v1/dora.csv', { entityRef: 'component:default/cart', ...window });
    const lines = res.text.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1].startsWith('component:default/cart,1,')).toBe(true);
  });

  it('audits team reviews by people and every export, and tells governance when', async () => {
    await knex('audit_log').where('action', 'like', 'dora.%').delete();
    await knex('dora_reviews').delete();
    expect(await lastReviewedAt(knex, 'component:default/cart')).toBeUndefined();

    await backend.get('/v1/dora', { groupRef: 'shop', ...window }, 'service').expect(200);
    await backend.get('/v1/dora', { entityRef: 'component:default/cart', ...window }).expect(200);
    expect(await knex('audit_log').where('action', 'like', 'dora.%')).toEqual([]);

    const before = Date.now();
    await backend.get('/v1/dora', { groupRef: 'shop', ...window }).expect(200);
    await backend.get('/v1/dora.csv', { systemRef: 'store', ...window }, 'service').expect(200);
    const audit = await knex('audit_log').where('action', 'like', 'dora.%').orderBy('seq');
    expect(audit.map(a => [a.actor, a.action, a.subject_type, a.subject_id])).toEqual([
      ['user:default/mock', 'dora.review.viewed', 'group', 'group:default/shop'],
      ['service:external:test-service', 'dora.review.exported', 'system', 'system:default/store'],
    ]);
    expect(JSON.parse(audit[0].details)).toEqual({
      window: { from: '2026-04-06T00:00:00.000Z', to: '2026-04-20T00:00:00.000Z' },
      entities: 3,
    });
    for (const ref of ['component:default/cart', 'group:default/shop', 'component:default/quiet']) {
      expect((await lastReviewedAt(knex, ref))!.getTime()).toBeGreaterThanOrEqual(before);
    }
    expect(await lastReviewedAt(knex, 'component:default/hidden')).toBeUndefined();
  });

  it('counts a batch at once: a read rebuilds the stale rollups of its scope before answering', async () => {
    const count = async () =>
      ((await backend.get('/v1/dora', { groupRef: 'shop', ...window }, 'service')).body as DoraResponse).current
        .deploymentFrequency.count;
    const before = await count();
    expect(await count()).toBe(before);
    await backend.post([deployment('t2', 'cart', 'production', 'succeeded', '2026-04-10T12:00:00Z')]);
    // Marked stale, not yet rebuilt by the task: the read rebuilds it, never answering from the cache.
    expect(await count()).toBe(before + 1);
    expect(await count()).toBe(before + 1);
  });

  it('with no time to rebuild, answers from the rollups and names the entities they leave out', async () => {
    const other = await startDoraBackend({
      entities,
      knex: await databases.init('SQLITE_3'),
      dora: { rebuildOnRead: { seconds: 0 } },
    });
    await other.post([deployment('k1', 'checkout', 'production', 'succeeded', '2026-04-07T10:00:00Z')]);
    await other.refresh();
    const read = async () =>
      (await other.get('/v1/dora', { groupRef: 'shop', ...window }, 'service')).body as DoraResponse;
    expect((await read()).current.deploymentFrequency.count).toBe(1);
    expect((await read()).dataQuality.map(f => f.id)).not.toContain('rollups-refreshing');
    await other.post([deployment('t1', 'cart', 'production', 'succeeded', '2026-04-09T12:00:00Z')]);
    const stale = await read();
    expect(stale.current.deploymentFrequency.count).toBe(1);
    expect(stale.dataQuality.find(f => f.id === 'rollups-refreshing')).toEqual({
      id: 'rollups-refreshing',
      count: 1,
      examples: ['component:default/cart'],
    });
    await other.refresh();
    const fresh = await read();
    expect(fresh.current.deploymentFrequency.count).toBe(2);
    expect(fresh.dataQuality.map(f => f.id)).not.toContain('rollups-refreshing');
  });

  it('needs the read permission', async () => {
    const { server } = await startTestBackend({
      features: [
        greenlightPlugin,
        catalogServiceMock.factory({ entities }),
        mockServices.permissions.factory({ result: AuthorizeResult.DENY }),
      ],
    });
    const res = await request(server)
      .get('/api/greenlight/v1/dora')
      .query({ entityRef: 'component:default/cart' })
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(403);
  });
});
