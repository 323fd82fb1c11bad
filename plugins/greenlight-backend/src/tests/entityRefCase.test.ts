import {
  mockCredentials,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { greenlightPlugin } from '../plugin';

const service = mockCredentials.service.header();
const digest = `sha256:${'b'.repeat(64)}`;

/** An entity whose name has capitals, as the catalog allows. */
const entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'PaymentsAPI',
    namespace: 'default',
    annotations: { 'greenlight.dev/service-id': 'payments-api' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/team-a',
    lifecycle: 'production',
  },
};

const deployment = (id: string, keys: object) => ({
  id,
  type: 'deployment.finished',
  ...keys,
  deployment: {
    id,
    environment: 'production',
    status: 'succeeded',
    finishedAt: '2026-11-01T10:00:00Z',
  },
});

describe('entity references in any spelling', () => {
  it('attach to one entity, whichever path they come in by', async () => {
    const { server } = await startTestBackend({
      features: [
        greenlightPlugin,
        catalogServiceMock.factory({ entities: [entity] }),
      ],
    });
    const api = request(server);
    const ingest = await api
      .post('/api/greenlight/v1/events')
      .set('Authorization', service)
      .send({
        events: [
          deployment('by-ref', { entityRef: 'component:default/PaymentsAPI' }),
          deployment('by-short-ref', { entityRef: 'PAYMENTSAPI' }),
          deployment('by-service-id', { serviceId: 'payments-api' }),
          {
            id: 'artifact',
            type: 'artifact',
            serviceId: 'payments-api',
            artifact: { digest, name: 'payments-api' },
          },
        ],
      })
      .expect(200);
    expect(
      new Set(
        ingest.body.results.map((r: { entityRef: string }) => r.entityRef),
      ),
    ).toEqual(new Set(['component:default/paymentsapi']));

    for (const spelling of [
      'component:default/PaymentsAPI',
      'Component:Default/paymentsapi',
    ]) {
      const releases = await api
        .get('/api/greenlight/v1/releases')
        .query({ entityRef: spelling })
        .set('Authorization', service);
      expect({ status: releases.status, error: releases.body.error }).toEqual({
        status: 200,
      });
      expect(
        releases.body.items.map((r: { id: string }) => r.id).sort(),
      ).toEqual(['by-ref', 'by-service-id', 'by-short-ref']);
    }

    const attestation = await api
      .post('/api/greenlight/v1/attestations')
      .set('Authorization', service)
      .send({
        artifactDigest: digest,
        mediaType: 'application/vnd.in-toto+json',
        content: {
          payloadType: 'application/vnd.in-toto+json',
          payload: 'e30=',
          signatures: [],
        },
        entityRef: 'component:default/PaymentsAPI',
      });
    expect(attestation.status).not.toBe(409);
    expect(attestation.status).toBeLessThan(300);
  });
});
