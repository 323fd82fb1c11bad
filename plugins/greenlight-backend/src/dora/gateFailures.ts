import { Knex } from 'knex';

const CHECK_EVERY_MS = 60_000;

/**
 * Which deployments an SLO gate failed, read from the rollouts feature's `rollouts` table:
 * a rollout that ended `rolled-back` is a gate failure of its deployment. When the table
 * (or its columns) is missing, no deployment has a gate failure; the check is repeated
 * now and then so a later migration is picked up without a restart.
 */
export class GateFailures {
  private available: boolean | undefined;
  private checkedAt = 0;

  constructor(private readonly knex: Knex) {}

  async isAvailable(): Promise<boolean> {
    const now = Date.now();
    if (this.available === undefined || (!this.available && now - this.checkedAt > CHECK_EVERY_MS)) {
      this.checkedAt = now;
      this.available =
        (await this.knex.schema.hasTable('rollouts')) &&
        (await this.knex.schema.hasColumn('rollouts', 'deployment_id')) &&
        (await this.knex.schema.hasColumn('rollouts', 'state')) &&
        (await this.knex.schema.hasColumn('rollouts', 'updated_at'));
    }
    return this.available;
  }

  async of(deploymentIds: string[]): Promise<Set<string>> {
    const failed = new Set<string>();
    if (deploymentIds.length === 0 || !(await this.isAvailable())) return failed;
    for (let i = 0; i < deploymentIds.length; i += 500) {
      const rows = await this.knex('rollouts')
        .select('deployment_id')
        .whereIn('deployment_id', deploymentIds.slice(i, i + 500))
        .where('state', 'rolled-back');
      for (const r of rows) failed.add(r.deployment_id);
    }
    return failed;
  }

  /** Deployments whose rollout was rolled back since `since` (epoch ms), for stale marking. */
  async rolledBackSince(since: number): Promise<{ ids: string[]; latest: number }> {
    if (!(await this.isAvailable())) return { ids: [], latest: since };
    const rows = await this.knex('rollouts')
      .select('deployment_id', 'updated_at')
      .where('state', 'rolled-back')
      .where('updated_at', '>', since)
      .orderBy('updated_at')
      .limit(5000);
    const latest = rows.reduce((max, r) => Math.max(max, Number(r.updated_at)), since);
    return { ids: rows.map(r => r.deployment_id), latest };
  }
}
