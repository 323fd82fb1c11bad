import { Knex } from 'knex';
import { applyMigrations } from '../../database/migrations';
import { AttestationRecord, VerdictRecord } from './AttestationStore';
import { KnexAttestationStore } from './KnexAttestationStore';
import { createTestDatabases } from '@greenlight/test-utils';

jest.setTimeout(60_000);

const digest = (c: string) => `sha256:${c.repeat(64)}`;

function attestation(
  id: string,
  artifactDigest: string,
  entityRef: string | null = null,
): AttestationRecord {
  return {
    id: id.repeat(64).slice(0, 64),
    artifactDigest,
    mediaType: 'application/vnd.dsse.envelope.v1+json',
    content: `{"id":"${id}"}`,
    entityRef,
    sourceEventId: null,
    receivedBy: 'service:test',
    receivedAt: 1_000,
  };
}

const verified: VerdictRecord = {
  verifier: 'greenlight',
  status: 'verified',
  keyId: 'k1',
  keyIds: ['k1', 'k2'],
  identity: { issuer: 'https://issuer.example', subject: 'repo:acme/payments' },
  builderId: 'https://builder.example',
  slsaLevel: 3,
  buildType: 'https://build-type.example',
  predicateType: 'https://slsa.dev/provenance/v1',
  sourceRepository: 'https://github.com/acme/payments',
  sourceCommit: 'ab'.repeat(20),
  invocationId: 'run-1',
  subjects: [{ name: 'app.tgz', digest: { sha256: 'a'.repeat(64) } }],
  buildInputs: '{"externalParameters":{},"resolvedDependencies":[]}',
  verifiedAt: 100,
};

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'KnexAttestationStore on %p',
  databaseId => {
    let knex: Knex;
    let store: KnexAttestationStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await applyMigrations(knex);
      store = new KnexAttestationStore(knex);
    });

    afterEach(async () => {
      await knex.destroy();
    });

    it('writes the audit entries given with the attestations in their transaction, or neither', async () => {
      const count = async (table: string) =>
        Number((await knex(table).count({ n: '*' }))[0].n);
      const entry = (id: string) => ({
        actor: 'service:test',
        action: 'attestation.recorded',
        subjectType: 'artifact',
        subjectId: digest('1'),
        entityRef: null,
        details: { attestationId: id },
      });
      const a = attestation('a', digest('1'));
      await store.insert([{ attestation: a, verdicts: [verified] }], 'fp-1', [
        entry(a.id),
      ]);
      expect(await count('audit_log')).toBe(1);

      // An audit entry that cannot be written (details that are not JSON) fails the whole
      // write: the attestation and its verdicts are not stored either.
      const b = attestation('b', digest('1'));
      await expect(
        store.insert([{ attestation: b, verdicts: [verified] }], 'fp-1', [
          { ...entry(b.id), details: { size: BigInt(1) } },
        ]),
      ).rejects.toThrow(/BigInt/);
      expect(await count('audit_log')).toBe(1);
      expect(await count('attestations')).toBe(1);
    });

    it('stores an attestation once and gives its verdicts back field for field', async () => {
      const a = attestation('a', digest('1'));
      await store.insert([{ attestation: a, verdicts: [verified] }], 'fp-1');
      await store.insert(
        [{ attestation: { ...a, content: 'changed' }, verdicts: [verified] }],
        'fp-1',
      );

      expect(await store.attestationsFor(digest('1'))).toEqual([a]);
      expect(
        await store.existing([
          { id: a.id, artifactDigest: digest('1') },
          { id: a.id, artifactDigest: digest('2') },
        ]),
      ).toEqual(new Set([`${a.id}\n${digest('1')}`]));
      expect(await store.verdictsFor([digest('1'), digest('2')])).toEqual([
        {
          ...verified,
          attestationId: a.id,
          artifactDigest: digest('1'),
          policyFingerprint: 'fp-1',
        },
      ]);
    });

    it('re-verifies stale and provisional verdicts first, then the longest unchecked', async () => {
      await knex('artifacts').insert({
        digest: digest('2'),
        entity_ref: 'component:default/ledger',
        name: 'ledger',
      });
      await store.insert(
        [
          {
            attestation: attestation('a', digest('1')),
            verdicts: [{ ...verified, verifiedAt: 100 }],
          },
          {
            attestation: attestation(
              'b',
              digest('2'),
              'component:default/named',
            ),
            verdicts: [{ ...verified, verifiedAt: 50 }],
          },
        ],
        'current',
      );
      await store.insert(
        [
          {
            attestation: attestation('c', digest('3')),
            verdicts: [{ ...verified, verifiedAt: 200 }],
          },
        ],
        'old',
      );
      await store.insert(
        [
          {
            attestation: attestation('d', digest('4')),
            verdicts: [
              {
                ...verified,
                status: 'unverifiable',
                verifiedAt: 300,
                provisional: true,
              },
            ],
          },
        ],
        'current',
      );

      const picked = await store.pickForReverification('current', 3);
      expect(picked.map(p => [p.id[0], p.stale])).toEqual([
        ['c', true],
        ['d', true],
        ['b', false],
      ]);
      // The ledger's entity for the artifact wins over the one named when it was posted.
      expect(picked[2].effectiveEntityRef).toBe('component:default/ledger');
      expect(
        (await store.pickForReverification('current', 10)).map(p => p.id[0]),
      ).toEqual(['c', 'd', 'b', 'a']);
    });

    it('replaces all verdicts of a re-verified attestation, dropping verifiers that are gone', async () => {
      const a = attestation('a', digest('1'));
      await store.insert(
        [
          {
            attestation: a,
            verdicts: [
              verified,
              { verifier: 'retired', status: 'verified', verifiedAt: 100 },
            ],
          },
        ],
        'fp-1',
      );
      await store.replaceVerdicts(
        [
          {
            key: a,
            verdicts: [
              {
                verifier: 'greenlight',
                status: 'invalid',
                reason: 'subject digest mismatch',
                verifiedAt: 500,
              },
            ],
          },
        ],
        'fp-2',
      );
      expect(await store.verdictsFor([digest('1')])).toEqual([
        {
          attestationId: a.id,
          artifactDigest: digest('1'),
          policyFingerprint: 'fp-2',
          verifier: 'greenlight',
          status: 'invalid',
          reason: 'subject digest mismatch',
          verifiedAt: 500,
        },
      ]);
    });

    it('reads artifact events after a cursor in receipt order and keeps the cursor', async () => {
      const event = (id: string, type: string, receivedAt: number) => ({
        id,
        source: 'native',
        type,
        subject_key: `${type}:${id}`,
        event_time: receivedAt,
        received_at: receivedAt,
        actor: 'service:test',
        entity_ref: null,
        payload: '{}',
      });
      await knex('events').insert([
        event('e3', 'artifact', 20),
        event('e1', 'artifact', 10),
        event('e2', 'artifact', 10),
        event('d1', 'build', 15),
      ]);
      expect(
        (await store.artifactEventsAfter(undefined, 10)).map(e => e.id),
      ).toEqual(['e1', 'e2', 'e3']);
      expect(
        (
          await store.artifactEventsAfter({ receivedAt: 10, eventId: 'e1' }, 10)
        ).map(e => e.id),
      ).toEqual(['e2', 'e3']);

      expect(await store.readCursor('artifact-events')).toBeUndefined();
      await store.writeCursor('artifact-events', {
        receivedAt: 10,
        eventId: 'e2',
      });
      await store.writeCursor('artifact-events', {
        receivedAt: 20,
        eventId: 'e3',
      });
      expect(await store.readCursor('artifact-events')).toEqual({
        receivedAt: 20,
        eventId: 'e3',
      });
    });
  },
);
