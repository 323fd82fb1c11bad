import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { KnexLedgerStore } from '../database/KnexLedgerStore';
import { IngestService } from '../service/IngestService';

/**
 * The ingest service on `knex` with a resolver that maps events by their `entityRef` alone:
 * for tests of what the ledger does with events, not of how they find their entity.
 */
export function ingestByEntityRef(knex: Knex): IngestService {
  return new IngestService(
    new KnexLedgerStore(knex),
    { resolve: async (keys: { entityRef?: string }) => keys.entityRef ?? null },
    mockServices.logger.mock(),
  );
}
