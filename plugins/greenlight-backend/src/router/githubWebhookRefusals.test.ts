import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';
import { githubSignature, PAYMENTS_PUSH } from '../__testUtils__/githubPush';
import {
  component,
  createTestDatabases,
  rowCounts,
} from '@greenlight/test-utils';

jest.setTimeout(60_000);

const SECRET = 'github-webhook-secret';

const push = PAYMENTS_PUSH;
const signature = (secret: string) => githubSignature(push, secret);

describe('GitHub deliveries that are refused write nothing', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())('on %p', async databaseId => {
    const knex = await databases.init(databaseId);
    const start = async (github?: { secret: string }) => {
      const { server } = await startTestBackend({
        features: [
          greenlightPlugin,
          catalogServiceMock.factory({
            entities: [
              component('payments', {
                'github.com/project-slug': 'acme/payments',
              }),
            ],
          }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: { greenlight: github ? { webhooks: { github } } : {} },
          }),
        ],
      });
      return (sig: string) =>
        request(server)
          .post('/api/greenlight/v1/webhooks/github')
          .set('Content-Type', 'application/json')
          .set('X-GitHub-Event', 'push')
          .set('X-GitHub-Delivery', 'delivery-1')
          .set('X-Hub-Signature-256', sig)
          .send(push);
    };

    const configured = await start({ secret: SECRET });
    const before = await rowCounts(knex);
    for (const sig of [
      signature('wrong-secret'),
      signature(SECRET).slice(0, -2),
      'sha256=',
      '',
    ]) {
      const res = await configured(sig);
      expect(res.status).toBe(401);
      expect(JSON.stringify(res.body)).not.toContain(SECRET);
    }
    expect(await rowCounts(knex)).toEqual(before);

    // Without a configured secret the endpoint does not exist for anyone, whatever they sign with.
    const unconfigured = await start();
    const missing = await unconfigured(signature(''));
    expect(missing.status).toBe(404);
    expect(await rowCounts(knex)).toEqual(before);

    // The same delivery, signed with the secret, is written: the refusals kept nothing of it.
    const accepted = await configured(signature(SECRET));
    expect(accepted.body).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(await rowCounts(knex)).not.toEqual(before);
  });
});
