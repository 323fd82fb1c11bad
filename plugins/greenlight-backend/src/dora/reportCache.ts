import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { DoraResponse } from '@greenlight/backstage-plugin-greenlight-common';
import { EntityFacts } from './DoraStore';

/** A DORA answer as computed from rollups only; incident findings are added per request. */
export type StoredReport = DoraResponse;

/**
 * Recently computed answers, each valid while none of its entities' rollups were rebuilt:
 * the fingerprint is taken over the scope's entity refs with their last rebuild, read from
 * the database on every request, so every instance notices every rebuild. Answers are
 * weighed by their number of entities, to bound memory however large the organisation is.
 */
export class ReportCache {
  private readonly entries: LRUCache<
    string,
    { fingerprint: string; report: StoredReport }
  >;

  constructor(maxWeight = 10_000) {
    this.entries = new LRUCache({
      maxSize: maxWeight,
      // An answer larger than the whole cache is not kept (lru-cache skips it).
      sizeCalculation: entry => 1 + entry.report.breakdown.length,
    });
  }

  static fingerprint(entityRefs: string[], facts: EntityFacts[]): string {
    const rebuilt = new Map(facts.map(f => [f.entityRef, f.rebuiltAt]));
    const hash = createHash('sha256');
    for (const ref of entityRefs)
      hash.update(`${ref}\u0000${rebuilt.get(ref) ?? '-'}\u0000`);
    return hash.digest('base64url');
  }

  get(key: string, fingerprint: string): StoredReport | undefined {
    const entry = this.entries.get(key);
    return entry?.fingerprint === fingerprint ? entry.report : undefined;
  }

  set(key: string, fingerprint: string, report: StoredReport) {
    this.entries.set(key, { fingerprint, report });
  }
}
