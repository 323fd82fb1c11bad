import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { EnvironmentConfig } from '../config';
import { AccessDeps } from '../router/access';
import { ChangeWindowConfig } from './changeWindows';
import { ChecklistService } from './checklistService';
import { GovernanceConfig } from './governanceConfig';
import { LedgerFacts } from './ledgerFacts';
import { ReadinessService } from './readinessService';
import { BreakGlassStore, DriftStore, ReadinessStore } from './store/GovernanceStore';

export type GovernanceRouteDeps = AccessDeps & {
  config: GovernanceConfig;
  environments: EnvironmentConfig[];
  ledger: LedgerFacts;
  readiness: ReadinessService;
  checklist: ChecklistService;
  decisions: ReadinessStore;
  drift: DriftStore;
  breakGlass: BreakGlassStore;
  windows: ChangeWindowConfig;
  now: () => number;
};

export const DAY_MS = 24 * 60 * 60 * 1000;

export function productionEnvironments(environments: EnvironmentConfig[]): string[] {
  return environments.filter(e => e.tier === 'production').map(e => e.name);
}

/** `group:default/team-a`, or `team-a` for a group in the default namespace. */
export function normaliseGroupRef(ref: string, field = 'groupRef'): string {
  try {
    const parsed = parseEntityRef(ref, { defaultKind: 'group', defaultNamespace: 'default' });
    if (parsed.kind.toLocaleLowerCase('en-US') !== 'group') throw new Error(`${ref} is not a group`);
    return stringifyEntityRef(parsed);
  } catch (e) {
    throw new InputError(`${field}: ${(e as Error).message}`);
  }
}
