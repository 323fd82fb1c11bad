import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ProvenanceFact } from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import { withoutDistrustedKeys } from '../provenance/keyTrust';

const VERDICTS = 'attestation_verdicts';
const ATTESTATIONS = 'attestations';
const RECHECK_MS = 60_000;

/**
 * Reads the verdicts the provenance capability stores. Governance only reads them: when the
 * tables are absent (an older schema, or a deployment without that capability) or a query
 * fails, the artifact counts as not verified rather than failing the request.
 *
 * Like the provenance summary, an invalid verdict outweighs a verified one.
 */
export class ProvenanceVerdicts {
  private tables?: { verdicts: boolean; attestations: boolean; checkedAt: number };

  constructor(
    private readonly knex: Knex,
    /** The key ids the trust policy lists now (`trustedKeyIdsOf`): a verdict signed with another does not count. */
    private readonly trustedKeyIds: ReadonlySet<string>,
    private readonly logger?: LoggerService,
  ) {}

  /** The stored verdicts of a digest, a verified one signed with a key no longer listed as unverifiable. */
  private async verdictsOf(where: Record<string, string>) {
    const rows: Array<{
      status: string;
      reason: string | null;
      source_commit: string | null;
      slsa_level: number | string | null;
      key_id: string | null;
      key_ids: string | null;
    }> = await this.knex(VERDICTS)
      .select('status', 'reason', 'source_commit', 'slsa_level', 'key_id', 'key_ids')
      .where(where);
    return rows.map(r => {
      const keyed = withoutDistrustedKeys(
        { status: r.status, reason: r.reason, keyId: r.key_id, keyIds: r.key_ids ? JSON.parse(r.key_ids) : undefined },
        this.trustedKeyIds,
      );
      return { ...r, status: keyed.status, reason: keyed.reason ?? null };
    });
  }

  private async available() {
    const now = Date.now();
    if (!this.tables || (!this.tables.verdicts && now - this.tables.checkedAt > RECHECK_MS)) {
      try {
        this.tables = {
          verdicts: await this.knex.schema.hasTable(VERDICTS),
          attestations: await this.knex.schema.hasTable(ATTESTATIONS),
          checkedAt: now,
        };
      } catch {
        this.tables = { verdicts: false, attestations: false, checkedAt: now };
      }
    }
    return this.tables;
  }

  async of(digest: string): Promise<ProvenanceFact> {
    const tables = await this.available();
    if (!tables.verdicts) {
      return { status: 'unknown', reason: 'provenance verdicts are not recorded by this installation' };
    }
    try {
      const rows = await this.verdictsOf({ artifact_digest: digest });
      const invalid = rows.find(r => r.status === 'invalid');
      if (invalid) return { status: 'invalid', reason: invalid.reason ?? undefined };
      const verified = rows.find(r => r.status === 'verified');
      if (verified) return { status: 'verified', sourceCommit: verified.source_commit ?? undefined };
      if (rows.length > 0) {
        return { status: 'unverifiable', reason: rows.find(r => r.reason)?.reason ?? undefined };
      }
      if (tables.attestations) {
        const attested = await this.knex(ATTESTATIONS).where('artifact_digest', digest).first('artifact_digest');
        if (attested) return { status: 'unknown', reason: 'its attestations have not been verified yet' };
      }
      return { status: 'unsigned' };
    } catch (e) {
      this.logger?.warn(`Could not read provenance verdicts of ${digest}: ${(e as Error).message}`);
      return { status: 'unknown', reason: 'provenance verdicts could not be read' };
    }
  }

  /** The highest SLSA level among the artifact's verified verdicts; null when none has one. */
  async verifiedLevel(digest: string): Promise<number | null> {
    const tables = await this.available();
    if (!tables.verdicts) return null;
    const levels = (await this.verdictsOf({ artifact_digest: digest, status: 'verified' }))
      .filter(r => r.status === 'verified' && r.slsa_level !== null)
      .map(r => Number(r.slsa_level));
    return levels.length > 0 ? Math.max(...levels) : null;
  }
}
