import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { createHmac } from 'node:crypto';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';
import {
  component,
  createTestDatabases,
  rowCounts,
} from '@greenlight/test-utils';

jest.setTimeout(60_000);

const SHARED = 'shared-github-secret';
const LEDGER = 'secret-of-acme-ledger';
const OTHER_ORG = 'secret-of-other-org';

/** A push to the default branch of `fullName`, as GitHub sends it (the fields Greenlight reads). */
const pushTo = (fullName: string) =>
  JSON.stringify({
    ref: 'refs/heads/main',
    after: 'b'.repeat(40),
    repository: {
      full_name: fullName,
      default_branch: 'main',
      html_url: `https://github.com/${fullName}`,
    },
    commits: [
      {
        id: 'b'.repeat(40),
        message: 'Add refunds',
        timestamp: '2026-01-01T10:00:00Z',
        author: { name: 'Ada' },
      },
    ],
  });

/**
 * `greenlight.webhooks.github.repositories`: a repository or an organisation with a secret of
 * its own, so that whoever holds the shared secret (or another repository's) cannot post in
 * its name.
 */
describe('GitHub deliveries with a secret per repository or organisation', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const { server } = await startTestBackend({
      features: [
        greenlightPlugin,
        catalogServiceMock.factory({
          entities: [
            component('payments', {
              'github.com/project-slug': 'acme/payments',
            }),
            component('ledger', { 'github.com/project-slug': 'acme/ledger' }),
            component('billing', {
              'github.com/project-slug': 'other-org/billing',
            }),
          ],
        }),
        mockServices.database.factory({ knex }),
        mockServices.rootConfig.factory({
          data: {
            greenlight: {
              webhooks: {
                github: {
                  secret: SHARED,
                  repositories: [
                    { path: 'acme/ledger', secret: LEDGER },
                    { path: 'Other-Org', secret: OTHER_ORG },
                  ],
                },
              },
            },
          },
        }),
      ],
    });
    const deliver = (body: string, secret: string, id: string) =>
      request(server)
        .post('/api/greenlight/v1/webhooks/github')
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', 'push')
        .set('X-GitHub-Delivery', id)
        .set(
          'X-Hub-Signature-256',
          `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
        )
        .send(body);

    const before = await rowCounts(knex);
    for (const [repository, secret] of [
      ['acme/ledger', SHARED],
      ['ACME/Ledger', SHARED],
      // The mapping reads `acme/ledger.git` as acme/ledger: so does the choice of secret.
      ['acme/ledger.git', SHARED],
      ['acme/ledger', OTHER_ORG],
      ['other-org/billing', SHARED],
      ['other-org/billing', LEDGER],
      ['acme/payments', LEDGER],
    ]) {
      const res = await deliver(
        pushTo(repository),
        secret,
        `refused-${repository}`,
      );
      expect({ repository, status: res.status }).toEqual({
        repository,
        status: 401,
      });
      for (const s of [SHARED, LEDGER, OTHER_ORG]) {
        expect(JSON.stringify(res.body)).not.toContain(s);
      }
    }
    expect(await rowCounts(knex)).toEqual(before);

    // Each repository's own secret, the organisation's for its repositories, the shared one
    // for a repository no entry covers.
    for (const [repository, secret, entity] of [
      ['acme/ledger', LEDGER, 'ledger'],
      ['other-org/billing', OTHER_ORG, 'billing'],
      ['acme/payments', SHARED, 'payments'],
    ]) {
      const res = await deliver(
        pushTo(repository),
        secret,
        `accepted-${repository}`,
      );
      expect({ repository, status: res.status }).toEqual({
        repository,
        status: 200,
      });
      expect(res.body.results).toEqual([
        expect.objectContaining({ entityRef: `component:default/${entity}` }),
      ]);
    }
  });
});
