import { createHash } from 'node:crypto';
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
  private readonly entries = new Map<string, { fingerprint: string; report: StoredReport; weight: number }>();
  private weight = 0;

  constructor(private readonly maxWeight = 10_000) {}

  static fingerprint(entityRefs: string[], facts: EntityFacts[]): string {
    const rebuilt = new Map(facts.map(f => [f.entityRef, f.rebuiltAt]));
    const hash = createHash('sha256');
    for (const ref of entityRefs) hash.update(`${ref}\u0000${rebuilt.get(ref) ?? '-'}\u0000`);
    return hash.digest('base64url');
  }

  get(key: string, fingerprint: string): StoredReport | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.fingerprint !== fingerprint) return undefined;
    // Most recently used last, so eviction takes the oldest first.
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.report;
  }

  set(key: string, fingerprint: string, report: StoredReport) {
    const weight = 1 + report.breakdown.length;
    if (weight > this.maxWeight) return;
    this.delete(key);
    this.entries.set(key, { fingerprint, report, weight });
    this.weight += weight;
    for (const [oldest] of this.entries) {
      if (this.weight <= this.maxWeight) break;
      this.delete(oldest);
    }
  }

  private delete(key: string) {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.weight -= entry.weight;
  }
}
