import { mockCredentials } from '@backstage/backend-test-utils';
import {
  DoraMetrics,
  GreenlightEvent,
} from '@greenlight/backstage-plugin-greenlight-common';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import {
  cdeventsStream,
  shuffled,
  streamEntity,
  streamTime as t,
} from './__testUtils__/cdeventsStream';
import {
  commits,
  deployment,
  HOUR,
  incident,
  sha,
  startDoraBackend,
} from './__testUtils__/doraBackend';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(120_000);

/*
 * The releases of the CDEvents worked example (cdeventsWorkedExample.test.ts), reported
 * three ways: CDEvents only, the native API only, GitHub webhooks only. The facts are the
 * same; commit times equal merge times, as a CDEvents stream knows only the merge:
 *
 *   change 101 at 03-02 08:00 → production 03-02 11:00   3 h   (staging 09:00)
 *   change 102 at 03-03 09:00 → production 03-03 14:00   5 h   (staging 10:00)
 *   change 103 at 03-04 10:00 → production 03-04 12:00   2 h   inc-1 13:00–15:00 on it
 *   change 104 at 03-05 06:00 → production 03-05 09:00   3 h
 *
 *   deployments 4; lead n 4, median 3 h, p90 5 h (ranks 2 and 4 of [2, 3, 3, 5]);
 *   with the incident: change fail 1/4, recovery n 1, 3 h (12:00 → 15:00).
 *
 * GitHub webhooks carry no incidents, so a GitHub-only history has the same deployments
 * and lead times and a change fail rate of 0/4: the incident is a fact it does not hold.
 */
const SECRET = 'equivalence-secret';
const window = { from: '2026-03-02T00:00:00Z', to: '2026-03-16T00:00:00Z' };
const releases = [
  {
    change: '101',
    merged: t('02', '08:00'),
    staging: t('02', '09:00'),
    production: t('02', '11:00'),
  },
  {
    change: '102',
    merged: t('03', '09:00'),
    staging: t('03', '10:00'),
    production: t('03', '14:00'),
  },
  { change: '103', merged: t('04', '10:00'), production: t('04', '12:00') },
  { change: '104', merged: t('05', '06:00'), production: t('05', '09:00') },
];

function nativeHistory(service: string): GreenlightEvent[] {
  const events: GreenlightEvent[] = [
    commits(
      service,
      releases.map(r => [`${service}-${r.change}`, r.merged]),
    ),
  ];
  for (const r of releases) {
    const c = [`${service}-${r.change}`];
    if (r.staging)
      events.push(
        deployment(
          `${service}-s-${r.change}`,
          service,
          'staging',
          'succeeded',
          r.staging,
          { commits: c },
        ),
      );
    events.push(
      deployment(
        `${service}-p-${r.change}`,
        service,
        'production',
        'succeeded',
        r.production,
        { commits: c },
      ),
    );
  }
  const blamed = { deploymentId: `${service}-p-103` };
  events.push(
    incident(`${service}-inc-1`, [service], t('04', '13:00'), blamed),
  );
  events.push(
    incident(`${service}-inc-1`, [service], t('04', '13:00'), {
      ...blamed,
      resolvedAt: t('04', '15:00'),
    }),
  );
  return events;
}

function githubHistory(
  service: string,
): Array<{ event: string; payload: object }> {
  const repository = { full_name: `acme/${service}`, default_branch: 'main' };
  const deliveries: Array<{ event: string; payload: object }> = [];
  for (const r of releases) {
    const id = sha(`${service}-${r.change}`);
    deliveries.push({
      event: 'push',
      payload: {
        ref: 'refs/heads/main',
        after: id,
        repository,
        head_commit: { id, timestamp: r.merged },
        commits: [{ id, message: `Change ${r.change}`, timestamp: r.merged }],
      },
    });
    const places = [
      ...(r.staging ? [['staging', r.staging]] : []),
      ['production', r.production],
    ] as Array<[string, string]>;
    for (const [environment, at] of places) {
      const deploymentPayload = {
        id: `${r.change}-${environment}`,
        sha: id,
        environment,
        created_at: at,
      };
      deliveries.push({
        event: 'deployment_status',
        payload: {
          action: 'created',
          deployment_status: {
            id: deliveries.length + 1,
            state: 'success',
            environment,
            created_at: at,
          },
          deployment: deploymentPayload,
          repository,
        },
      });
    }
  }
  return deliveries;
}

function githubEntity(service: string) {
  const entity = streamEntity(service);
  entity.metadata.annotations = {
    'github.com/project-slug': `acme/${service}`,
  };
  return entity;
}

function figures(m: DoraMetrics) {
  return {
    deployments: m.deploymentFrequency.count,
    lead: {
      n: m.changeLeadTime.n,
      median: m.changeLeadTime.medianMs,
      p90: m.changeLeadTime.p90Ms,
    },
    changeFail: {
      numerator: m.changeFailRate.numerator,
      denominator: m.changeFailRate.denominator,
    },
    recovery: {
      n: m.failedDeploymentRecoveryTime.n,
      median: m.failedDeploymentRecoveryTime.medianMs,
    },
  };
}

describe('the same releases from CDEvents, the native API and GitHub give the same DORA figures', () => {
  const databases = createTestDatabases();

  describe.each(databases.eachSupportedId())('on %p', databaseId => {
    let backend: Awaited<ReturnType<typeof startDoraBackend>>;
    const service = {
      cdevents: 'eq-cdevents',
      native: 'eq-native',
      github: 'eq-github',
    };
    const metricsOf = async (name: string) =>
      figures(
        (
          await backend.get('/v1/dora', {
            entityRef: `component:default/${name}`,
            ...window,
          })
        ).body.current,
      );

    beforeAll(async () => {
      backend = await startDoraBackend({
        entities: [
          streamEntity(service.cdevents),
          streamEntity(service.native),
          githubEntity(service.github),
        ],
        knex: await databases.init(databaseId),
        greenlight: { webhooks: { github: { secret: SECRET } } },
      });
      const auth = mockCredentials.service.header();
      await request(backend.server)
        .post('/api/greenlight/v1/cdevents')
        .set('Authorization', auth)
        .send(shuffled(cdeventsStream(service.cdevents).events, 11))
        .expect(200);
      await backend.post(shuffled(nativeHistory(service.native), 11));
      for (const [i, { event, payload }] of shuffled(
        githubHistory(service.github),
        11,
      ).entries()) {
        const body = JSON.stringify(payload);
        await request(backend.server)
          .post('/api/greenlight/v1/webhooks/github')
          .set('Content-Type', 'application/json')
          .set('X-GitHub-Event', event)
          .set('X-GitHub-Delivery', `${databaseId}-${i}`)
          .set(
            'X-Hub-Signature-256',
            `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
          )
          .send(body)
          .expect(200);
      }
      await backend.refresh();
    });

    it('CDEvents and the native API agree on every figure', async () => {
      const native = await metricsOf(service.native);
      expect(native).toMatchObject({
        deployments: 4,
        lead: { n: 4 },
        changeFail: { numerator: 1, denominator: 4 },
        recovery: { n: 1 },
      });
      expect(Math.abs(native.lead.median! - 3 * HOUR)).toBeLessThanOrEqual(
        0.01 * 3 * HOUR,
      );
      expect(Math.abs(native.recovery.median! - 3 * HOUR)).toBeLessThanOrEqual(
        0.01 * 3 * HOUR,
      );
      expect(await metricsOf(service.cdevents)).toEqual(native);
    });

    it('GitHub agrees on deployments and lead time, and holds no incident', async () => {
      const native = await metricsOf(service.native);
      expect(await metricsOf(service.github)).toEqual({
        ...native,
        changeFail: { numerator: 0, denominator: 4 },
        recovery: { n: 0, median: null },
      });
    });
  });
});
