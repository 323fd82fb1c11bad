import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { staticResolver } from '../../__testUtils__/demoServices';
import { KnexLedgerStore } from '../../database/KnexLedgerStore';
import { AuditEntry } from '../../database/LedgerStore';
import { applyMigrations } from '../../database/migrations';
import { IngestService } from '../../service/IngestService';
import {
  ARTIFACT_DIGEST,
  generateTestKey,
  policyWith,
  signEnvelope,
  slsaV1Statement,
  trustedKey,
} from '../__testUtils__/fixtures';
import { ENTITIES, PAYMENTS } from '../__testUtils__/provenanceBackend';
import { TrustPolicy } from '../policy';
import { KnexAttestationStore } from '../store/KnexAttestationStore';
import { AttestationService, IncomingAttestation } from './AttestationService';
import { ARTIFACT_EVENTS_CURSOR, catchUpArtifactEvents } from './catchUp';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const DSSE = 'application/vnd.dsse.envelope.v1+json';
const oldKey = generateTestKey('old', 'ecdsa-p256-sha256');
const newKey = generateTestKey('new', 'ecdsa-p256-sha256');

const incoming = (
  content: object,
  entityRef: string | null = PAYMENTS,
): IncomingAttestation => ({
  artifactDigest: ARTIFACT_DIGEST,
  mediaType: DSSE,
  content,
  entityRef,
  sourceEventId: null,
  receivedBy: 'service:test',
});

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'AttestationService on %p',
  databaseId => {
    let knex: Knex;
    let store: KnexAttestationStore;
    let audit: AuditEntry[];

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await applyMigrations(knex);
      store = new KnexAttestationStore(knex);
      audit = [];
    });

    afterEach(async () => {
      await knex.destroy();
    });

    function serviceWith(
      policy: TrustPolicy,
      catalog = catalogServiceMock({ entities: ENTITIES }),
    ) {
      return new AttestationService({
        store,
        policy,
        verifiers: [],
        catalog,
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        audit: async entry => {
          audit.push(entry);
        },
      });
    }

    const statuses = async () =>
      (await store.verdictsFor([ARTIFACT_DIGEST])).map(v => [
        v.status,
        v.reason ?? null,
      ]);

    it('re-verifies under a rotated policy and audits the verdict that changed', async () => {
      const envelope = signEnvelope(slsaV1Statement(), [oldKey]);
      const before = serviceWith(policyWith([trustedKey(oldKey)]));
      expect(
        await before.record([incoming(envelope), incoming(envelope)]),
      ).toEqual([
        expect.objectContaining({ status: 'accepted' }),
        expect.objectContaining({ status: 'duplicate' }),
      ]);
      expect(await statuses()).toEqual([['verified', null]]);

      const after = serviceWith(policyWith([trustedKey(newKey)]));
      expect(after.fingerprint).not.toBe(before.fingerprint);
      expect(await after.reverify(10)).toEqual({
        reverified: 1,
        stale: 1,
        changed: 1,
      });
      expect(await statuses()).toEqual([
        ['unverifiable', 'unknown key id old'],
      ]);
      expect(audit).toEqual([
        expect.objectContaining({
          action: 'provenance.verdict-changed',
          subjectType: 'artifact',
          subjectId: ARTIFACT_DIGEST,
          entityRef: PAYMENTS,
          details: expect.objectContaining({
            from: 'verified',
            to: 'unverifiable',
          }),
        }),
      ]);
      // Under the same policy nothing is stale any more and nothing changes.
      expect(await after.reverify(10)).toEqual({
        reverified: 1,
        stale: 0,
        changed: 0,
      });
    });

    it('never verifies while the entity cannot be read, and re-verifies that first', async () => {
      const failing = catalogServiceMock.mock({
        getEntityByRef: async () => {
          throw new Error('catalog unavailable');
        },
      });
      const policy = policyWith([trustedKey(oldKey)]);
      await serviceWith(policy, failing).record([
        incoming(signEnvelope(slsaV1Statement(), [oldKey])),
      ]);
      expect(await statuses()).toEqual([
        [
          'unverifiable',
          `expectations of ${PAYMENTS} could not be read from the catalog`,
        ],
      ]);

      const recovered = serviceWith(policy);
      expect(await recovered.reverify(1)).toMatchObject({
        reverified: 1,
        stale: 1,
      });
      expect(await statuses()).toEqual([['verified', null]]);
    });

    it('catches up on artifact events whose attestations the listener never stored', async () => {
      const ledger = new KnexLedgerStore(knex);
      const ingest = new IngestService(
        ledger,
        staticResolver,
        mockServices.logger.mock(),
      );
      await ingest.ingest({
        source: 'native',
        actor: 'service:ci',
        events: [
          {
            id: 'a1',
            type: 'artifact',
            serviceId: 'payments',
            artifact: { digest: ARTIFACT_DIGEST, name: 'payments' },
            attestations: [
              {
                mediaType: DSSE,
                content: signEnvelope(slsaV1Statement(), [oldKey]) as any,
              },
            ],
          },
          {
            id: 'a2',
            type: 'artifact',
            serviceId: 'payments',
            artifact: { digest: `sha256:${'9'.repeat(64)}`, name: 'payments' },
          },
        ],
      });
      const service = serviceWith(policyWith([trustedKey(oldKey)]));
      const received = Number(
        (await knex('events').max('received_at as t').first())!.t,
      );

      // Freshly received events are stored, but the cursor waits until they have settled.
      expect(
        await catchUpArtifactEvents({
          store,
          service,
          now: () => received + 1_000,
        }),
      ).toBe(1);
      expect(await statuses()).toEqual([['verified', null]]);
      expect(await store.readCursor(ARTIFACT_EVENTS_CURSOR)).toBeUndefined();

      expect(
        await catchUpArtifactEvents({
          store,
          service,
          now: () => received + 10 * 60_000,
        }),
      ).toBe(0);
      expect(await store.readCursor(ARTIFACT_EVENTS_CURSOR)).toEqual({
        receivedAt: received,
        eventId: 'native:a2',
      });
      const [row] = await knex('attestations').select(
        'source_event_id',
        'received_by',
        'entity_ref',
      );
      expect(row).toEqual({
        source_event_id: 'native:a1',
        received_by: 'service:ci',
        entity_ref: 'component:default/payments',
      });
    });
  },
);
