import { GreenlightContext, GreenlightFeature } from '../context';
import { readTrustPolicy, TrustPolicy } from './policy';
import { readReverifySchedule, reverifyTaskSchedule } from './reverifySchedule';
import { provenanceRoutes } from './routes';
import { AttestationService } from './service/AttestationService';
import { catchUpArtifactEvents } from './service/catchUp';
import { enrichEnvironments, enrichReleases } from './service/enrich';
import { attestationsOfEvents } from './service/eventAttestations';
import type { ViewDeps } from './service/ViewDeps';
import { KnexAttestationStore } from './store/KnexAttestationStore';
import { KnexTraceabilityStore } from './store/KnexTraceabilityStore';

export const REVERIFY_TASK_ID = 'greenlight-provenance-reverify';

/** Keep a run well inside the task timeout; the next run carries on. */
const RUN_BUDGET_MS = 5 * 60_000;

function trustPolicyOf(ctx: GreenlightContext): TrustPolicy {
  try {
    return readTrustPolicy(ctx.config);
  } catch (error) {
    // A typo in the trust policy must stop the backend, not quietly change what is trusted.
    throw new Error(
      `Invalid greenlight.provenance configuration: ${
        (error as Error).message
      }`,
    );
  }
}

/** Artifact provenance: attestation storage, verification, promotion and determinism verdicts, traceability. */
export const provenanceFeature: GreenlightFeature = async ctx => {
  const policy = trustPolicyOf(ctx);
  const schedule = readReverifySchedule(ctx.config);
  const attestations = new KnexAttestationStore(ctx.knex);
  const traceability = new KnexTraceabilityStore(ctx.knex);
  const service = new AttestationService({
    store: attestations,
    policy,
    verifiers: ctx.verifiers,
    catalog: ctx.catalog,
    auth: ctx.auth,
    logger: ctx.logger,
    audit: entry => ctx.store.appendAudit(entry),
  });
  const views: ViewDeps = {
    attestations,
    traceability,
    environments: ctx.environments,
    fingerprint: service.fingerprint,
    trustedKeyIds: new Set(policy.trustedKeys.map(key => key.keyId)),
  };

  ctx.ingest.onApplied(async rows => {
    await service.record(attestationsOfEvents(rows));
  });
  ctx.releaseEnrichers.push({
    enrichReleases: releases => enrichReleases(views, releases),
    enrichEnvironments: states => enrichEnvironments(views, states),
  });

  await ctx.scheduler.scheduleTask({
    id: REVERIFY_TASK_ID,
    scope: 'global',
    ...reverifyTaskSchedule(schedule),
    fn: async () => {
      const started = Date.now();
      const caughtUp = await catchUpArtifactEvents({
        store: attestations,
        service,
      });
      if (caughtUp > 0)
        ctx.logger.info(
          `Stored ${caughtUp} attestation(s) the ingest listener missed`,
        );
      // Verdicts reached under an older policy are worked off in full batches first;
      // then one batch of the longest-unchecked ones, so annotation changes show up too.
      let total = 0;
      let changed = 0;
      for (;;) {
        const run = await service.reverify(schedule.batchSize);
        total += run.reverified;
        changed += run.changed;
        const allStale =
          run.reverified === schedule.batchSize && run.stale === run.reverified;
        if (!allStale || Date.now() - started > RUN_BUDGET_MS) break;
      }
      if (total > 0) {
        ctx.logger.info(
          `Re-verified ${total} attestation(s); ${changed} verdict(s) changed`,
        );
      }
    },
  });

  return provenanceRoutes({
    httpAuth: ctx.httpAuth,
    permissions: ctx.permissions,
    catalog: ctx.catalog,
    serviceScopes: ctx.serviceScopes,
    service,
    views,
    ledger: ctx.store,
  });
};
