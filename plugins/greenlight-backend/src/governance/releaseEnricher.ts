import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { LRUCache } from 'lru-cache';
import { Release, ReleaseReadiness } from '@greenlight/backstage-plugin-greenlight-common';
import { EnvironmentConfig } from '../config';
import { ReleaseEnricher } from '../context';
import { requireTestsPolicy } from './changeRules';
import { GovernanceConfig } from './governanceConfig';
import { LedgerFacts } from './ledgerFacts';
import { productionEnvironments } from './routeDeps';
import { ReadinessStore, StoredDecision } from './store/GovernanceStore';
import { untestedDeploymentViolation } from './violations';

/** How long an entity's test policy is kept between catalog reads. */
const POLICY_TTL_MS = 30_000;

function summary(d: StoredDecision): ReleaseReadiness {
  const overridden = d.override !== null || d.overrideOf !== null;
  return {
    decisionId: d.id,
    decision: overridden ? 'allow' : d.assessed,
    assessed: d.assessed,
    decidedAt: new Date(d.decidedAt).toISOString(),
    missingControls: d.missingControls,
    overridden,
  };
}

/**
 * Adds the latest readiness decision and any policy violation to release reads. A decision
 * about the deployment itself wins over one about its artifact going to the same environment.
 * Fields are added only when there is something to show.
 */
export function governanceReleaseEnricher(deps: {
  decisions: ReadinessStore;
  ledger: LedgerFacts;
  environments: EnvironmentConfig[];
  config: GovernanceConfig;
  catalog: CatalogService;
  auth: AuthService;
  /** The clock of the policy cache, in milliseconds; `performance` unless a test sets it. */
  clock?: { now(): number };
}): ReleaseEnricher {
  // Whether each entity requires tests, read from the catalog for a page's untested production
  // deployments and kept 30 s, as the entity resolver keeps what it matched: paging through one
  // entity's history asks the catalog once, not once a page. A changed annotation shows within
  // that time, and the catalog's own refresh is slower.
  const policies = new LRUCache<string, boolean>({
    max: 10_000,
    ttl: POLICY_TTL_MS,
    // A given clock is read on every look-up, not at lru-cache's default resolution.
    ...(deps.clock ? { perf: deps.clock, ttlResolution: 0 } : {}),
  });
  return {
    async enrichReleases<T extends Release>(releases: T[]): Promise<T[]> {
      if (releases.length === 0) return releases;
      const digests = [...new Set(releases.flatMap(r => (r.artifact ? [r.artifact.digest] : [])))];
      const decisions = await deps.decisions.listForReleases(
        releases.map(r => r.id),
        digests,
      );
      const production = new Set(productionEnvironments(deps.environments));
      const untested = await deps.ledger.untestedAmong(
        releases.filter(r => production.has(r.environment)).map(r => r.id),
      );
      const enforced = new Map<string, boolean>();
      const refs: string[] = [];
      for (const ref of new Set(untested.flatMap(d => (d.entityRef ? [d.entityRef] : [])))) {
        const known = policies.get(ref);
        if (known === undefined) refs.push(ref);
        else enforced.set(ref, known);
      }
      if (refs.length > 0) {
        // The policy lives on the entity; reading it is the plugin's own work, not the reader's.
        const { items } = await deps.catalog.getEntitiesByRefs(
          { entityRefs: refs },
          { credentials: await deps.auth.getOwnServiceCredentials() },
        );
        refs.forEach((ref, i) => {
          const entity = items[i];
          const requireTests = entity ? requireTestsPolicy(entity, deps.config).requireTests : deps.config.requireTestsDefault;
          enforced.set(ref, requireTests);
          policies.set(ref, requireTests);
        });
      }

      return releases.map(r => {
        const latest =
          decisions.find(d => d.deploymentId === r.id && d.entityRef === r.entityRef) ??
          decisions.find(
            d =>
              d.artifactDigest !== null &&
              d.artifactDigest === r.artifact?.digest &&
              d.environment === r.environment &&
              d.entityRef === r.entityRef,
          );
        const broken = untested.filter(d => d.id === r.id);
        if (!latest && broken.length === 0) return r;
        return {
          ...r,
          ...(latest ? { readiness: summary(latest) } : {}),
          ...(broken.length > 0
            ? {
                violations: broken.map(d =>
                  untestedDeploymentViolation(d, d.entityRef!, enforced.get(d.entityRef!) ?? deps.config.requireTestsDefault),
                ),
              }
            : {}),
        };
      });
    },
    async enrichEnvironments(states) {
      return states;
    },
  };
}
