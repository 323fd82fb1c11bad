import {
  IngestionSource,
  IngestionSourceBatch,
  IngestionSourceOutcome,
} from '@greenlight/backstage-plugin-greenlight-node';
import {
  assertSourceMayWrite,
  SourceContextDeps,
  validateSourceBatch,
} from './sourceContext';

/**
 * Writes one webhook delivery whole or not at all. Every batch is validated and its entity
 * checked before anything is written; then the events of all batches go to the ledger in one
 * call, which is one transaction. A delivery that fails therefore leaves nothing behind, and
 * the tool's retry of the whole delivery writes it once; a retry of one that did land finds
 * its (source-qualified) event ids held and counts them as duplicates.
 */
export async function ingestDelivery(
  source: IngestionSource,
  deps: Pick<SourceContextDeps, 'auth' | 'catalog' | 'ingest'>,
  batches: IngestionSourceBatch[],
): Promise<IngestionSourceOutcome> {
  const checked = batches.map(batch => validateSourceBatch(source, batch));
  for (const entityRef of new Set(checked.map(c => c.entityRef))) {
    await assertSourceMayWrite(source, deps, entityRef);
  }
  const outcome = await deps.ingest.ingest({
    source: source.id,
    events: checked.flatMap(c => c.events),
    actor: `source:${source.id}`,
  });
  return { accepted: outcome.accepted, duplicates: outcome.duplicates };
}
