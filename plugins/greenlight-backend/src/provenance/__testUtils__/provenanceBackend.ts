import { BackendFeature } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { Server } from 'node:http';
import request from 'supertest';
import { greenlightPlugin } from '../../plugin';
import { DSSE_ENVELOPE_MEDIA_TYPE } from '../dsse';
import { BUILDER_ID, REPOSITORY, signEnvelope, TestKey } from './fixtures';

export const PAYMENTS = 'component:default/payments';
export const LEDGER = 'component:default/ledger';

/** Two services; payments expects its artifacts to be built from its own repository. */
export const ENTITIES: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      namespace: 'default',
      annotations: {
        'greenlight.dev/service-id': 'payments-svc',
        'greenlight.dev/expected-source': REPOSITORY,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'ledger',
      namespace: 'default',
      annotations: { 'greenlight.dev/service-id': 'ledger-svc' },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-b',
      lifecycle: 'production',
    },
  },
];

export const service = mockCredentials.service.header();
export const user = mockCredentials.user.header();

export function trustedKeyConfig(
  key: TestKey,
  slsaLevel = 3,
  builderIds = [BUILDER_ID],
) {
  return {
    keyId: key.keyId,
    publicKeyPem: key.publicKeyPem,
    algorithm: key.algorithm,
    builderIds,
    slsaLevel,
  };
}

/** The real plugin on the given database, with a catalog of ENTITIES and this provenance config. */
export async function startProvenanceBackend(options: {
  knex: Knex;
  provenance?: object;
  scheduler?: Parameters<typeof mockServices.scheduler.factory>[0];
  features?: BackendFeature[];
}): Promise<ProvenanceBackend> {
  const backend = await startTestBackend({
    features: [
      greenlightPlugin,
      catalogServiceMock.factory({ entities: ENTITIES }),
      mockServices.database.factory({ knex: options.knex }),
      mockServices.rootConfig.factory({
        data: { greenlight: { provenance: options.provenance ?? {} } },
      }),
      mockServices.scheduler.factory(
        options.scheduler ?? { skipTaskRunOnStartup: true },
      ),
      ...(options.features ?? []),
    ],
  });
  const server = backend.server;
  return {
    server,
    stop: () => backend.stop(),
    async post(events: object[]): Promise<any> {
      const res = await request(server)
        .post('/api/greenlight/v1/events')
        .set('Authorization', service)
        .send({ events });
      expect(res.status).toBe(200);
      return res.body;
    },
    get(path: string, query: Record<string, string> = {}): request.Test {
      return request(server)
        .get(`/api/greenlight${path}`)
        .query(query)
        .set('Authorization', user);
    },
  };
}

export type ProvenanceBackend = {
  server: Server;
  stop(): Promise<void>;
  /** Posts native events with service credentials; expects 200. */
  post(events: object[]): Promise<any>;
  /** A GET under /api/greenlight as a signed-in user. */
  get(path: string, query?: Record<string, string>): request.Test;
};

/** An artifact event of a service, optionally carrying attestations. */
export function artifactEvent(
  id: string,
  digest: string,
  options: {
    serviceId?: string;
    buildId?: string;
    commitSha?: string;
    attestations?: object[];
  } = {},
) {
  return {
    id,
    type: 'artifact',
    serviceId: options.serviceId ?? 'payments-svc',
    artifact: {
      digest,
      name: 'payments',
      purl: `pkg:oci/acme/payments@${digest}`,
      ...(options.buildId ? { buildId: options.buildId } : {}),
      ...(options.commitSha ? { commitSha: options.commitSha } : {}),
    },
    ...(options.attestations ? { attestations: options.attestations } : {}),
  };
}

export function dsse(statement: unknown, signers: TestKey[]) {
  return {
    mediaType: DSSE_ENVELOPE_MEDIA_TYPE,
    content: signEnvelope(statement, signers),
  };
}

export const SIGSTORE_V03 = 'application/vnd.dev.sigstore.bundle.v0.3+json';

/** A keyed Sigstore bundle as `cosign attest-blob --tlog-upload=false` shapes it. */
export function keyedBundle(statement: unknown, key: TestKey) {
  const envelope = signEnvelope(statement, [key], { keyids: false });
  return {
    mediaType: SIGSTORE_V03,
    verificationMaterial: {
      publicKey: { hint: key.keyId },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payload: envelope.payload,
      payloadType: envelope.payloadType,
      signatures: [{ sig: envelope.signatures[0].sig, keyid: '' }],
    },
  };
}

export function deploymentEvent(
  id: string,
  environment: string,
  at: string,
  deployment: {
    digest?: string;
    commitSha?: string;
    commits?: string[];
    status?: string;
    serviceId?: string;
    rollbackOf?: string;
    startedAt?: string;
  } = {},
) {
  return {
    id: `evt-${id}`,
    type: 'deployment.finished',
    serviceId: deployment.serviceId ?? 'payments-svc',
    deployment: {
      id,
      environment,
      status: deployment.status ?? 'succeeded',
      startedAt: deployment.startedAt ?? at,
      finishedAt: at,
      ...(deployment.digest ? { artifactDigest: deployment.digest } : {}),
      ...(deployment.commitSha ? { commitSha: deployment.commitSha } : {}),
      ...(deployment.commits ? { commits: deployment.commits } : {}),
      ...(deployment.rollbackOf
        ? { rollbackOf: deployment.rollbackOf, intent: 'rollback' }
        : {}),
    },
  };
}

export const hexDigest = (c: string) => `sha256:${c.repeat(64)}`;
