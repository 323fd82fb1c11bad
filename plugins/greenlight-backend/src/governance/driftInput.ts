import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { safeString } from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';
import { DriftKind, DriftResource } from './store/GovernanceStore';

/** Tags and labels that tie an infrastructure resource to a catalog entity. */
export const ENTITY_TAGS = ['greenlight.dev/entity', 'backstage.io/entity'];

const isoTime = z.iso.datetime({ offset: true });
const tagMap = z.record(z.string(), z.unknown());

const terraformChange = z.looseObject({
  actions: z.array(z.string()).min(1),
  before: z.unknown().optional(),
  after: z.unknown().optional(),
  after_unknown: z.unknown().optional(),
});

const terraformResource = z.looseObject({
  address: z.string().min(1).max(1000),
  mode: z.string().optional(),
  type: z.string().optional(),
  name: z.string().optional(),
  provider_name: z.string().optional(),
  module_address: z.string().optional(),
  action_reason: z.string().optional(),
  change: terraformChange,
});

/** The parts of `terraform show -json <plan>` (or `plan -json` output saved as a plan) read here. */
export const terraformPlanSchema = z.looseObject({
  format_version: z.string(),
  timestamp: isoTime.optional(),
  resource_drift: z.array(terraformResource).max(20_000).optional(),
  resource_changes: z.array(terraformResource).max(20_000).optional(),
});

const common = {
  source: safeString().trim().min(1).max(255),
  entityRef: z.string().min(1).optional(),
  observedAt: isoTime.optional(),
};

export const genericDriftSchema = z.object({
  ...common,
  resources: z
    .array(
      z.object({
        address: z.string().min(1).max(1000),
        drifted: z.boolean(),
        details: z.unknown().optional(),
        entityRef: z.string().min(1).optional(),
        tags: tagMap.optional(),
        labels: tagMap.optional(),
      }),
    )
    .max(20_000),
});

export const wrappedTerraformSchema = z.object({ ...common, terraform: terraformPlanSchema });

export const rawTerraformQuerySchema = z.object({
  source: common.source,
  entityRef: common.entityRef,
  observedAt: common.observedAt,
});

/** How far ahead of this server's clock a reporter's clock may run. */
export const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * When a drift report was observed: `observedAt`, else the plan's `timestamp`, else now.
 * A later report closes what an earlier one opened, so a time in the future would close
 * every item reported until then: it is refused.
 */
export function observedTime(
  observedAt: string | undefined,
  planTime: string | undefined,
  now: number,
): number {
  const [field, text] = observedAt ? ['observedAt', observedAt] : ['terraform.timestamp', planTime];
  const time = text ? Date.parse(text) : now;
  if (time > now + MAX_CLOCK_SKEW_MS) {
    throw new InputError(
      `${field}: ${text} is in the future; it may be at most ${MAX_CLOCK_SKEW_MS / 60_000} minutes ahead of the server's clock`,
    );
  }
  return Number.isNaN(time) ? now : time;
}

/** An entity named by a tag: `component:default/payments`, or `payments` for a component. */
export function entityRefFromTag(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  try {
    return stringifyEntityRef(
      parseEntityRef(value.trim(), { defaultKind: 'component', defaultNamespace: 'default' }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return null;
  }
}

function entityFromTagMaps(maps: unknown[]): string | null {
  for (const map of maps) {
    if (!map || typeof map !== 'object' || Array.isArray(map)) continue;
    for (const key of ENTITY_TAGS) {
      const ref = entityRefFromTag((map as Record<string, unknown>)[key]);
      if (ref) return ref;
    }
  }
  return null;
}

/** Tag-like maps of a resource state: AWS `tags`/`tags_all`, GCP `labels`, Kubernetes metadata labels. */
function tagMapsOf(state: unknown): unknown[] {
  if (!state || typeof state !== 'object') return [];
  const s = state as Record<string, any>;
  const metadata = Array.isArray(s.metadata) ? s.metadata[0] : s.metadata;
  return [s.tags, s.tags_all, s.labels, metadata?.labels, metadata?.annotations];
}

/**
 * Names of the top-level attributes a change touches. Values are left out on purpose: plans
 * carry secrets, and which attribute drifted is what a reviewer needs.
 */
function changedAttributes(change: z.infer<typeof terraformChange>): string[] {
  const before = (change.before && typeof change.before === 'object' ? change.before : {}) as Record<string, unknown>;
  const after = (change.after && typeof change.after === 'object' ? change.after : {}) as Record<string, unknown>;
  const unknown = (change.after_unknown && typeof change.after_unknown === 'object' ? change.after_unknown : {}) as Record<string, unknown>;
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed = [...keys].filter(
    k => JSON.stringify(before[k]) !== JSON.stringify(after[k]) || unknown[k] === true,
  );
  return changed.sort().slice(0, 50);
}

const isNoChange = (actions: string[]) => actions.every(a => a === 'no-op' || a === 'read');

/**
 * Resources of a Terraform plan: `resource_drift` entries are changes made outside Terraform,
 * `resource_changes` with an action other than no-op (or a data source read) are differences
 * the next apply would make; both count as drift. Unchanged resources are reported clean so that
 * they can close drift opened earlier and tie the source to entities by their tags.
 */
export function resourcesFromTerraform(
  plan: z.infer<typeof terraformPlanSchema>,
  explicitEntityRef: string | null,
): DriftResource[] {
  const byAddress = new Map<string, DriftResource>();
  const add = (entry: z.infer<typeof terraformResource>, kind: DriftKind) => {
    const { change } = entry;
    const drifted = !isNoChange(change.actions);
    const previous = byAddress.get(entry.address);
    if (previous?.drifted && !drifted) return;
    if (previous?.kind === 'drift' && kind !== 'drift') return;
    byAddress.set(entry.address, {
      address: entry.address,
      entityRef: explicitEntityRef ?? entityFromTagMaps([...tagMapsOf(change.after), ...tagMapsOf(change.before)]),
      drifted,
      kind,
      details: drifted
        ? {
            actions: change.actions,
            type: entry.type,
            mode: entry.mode,
            provider: entry.provider_name,
            ...(entry.action_reason ? { actionReason: entry.action_reason } : {}),
            changedAttributes: changedAttributes(change),
          }
        : null,
    });
  };
  for (const entry of plan.resource_drift ?? []) add(entry, 'drift');
  for (const entry of plan.resource_changes ?? []) add(entry, 'pending-change');
  return [...byAddress.values()];
}

export function resourcesFromGeneric(
  body: z.infer<typeof genericDriftSchema>,
  explicitEntityRef: string | null,
): DriftResource[] {
  return body.resources.map(r => ({
    address: r.address,
    entityRef:
      explicitEntityRef ??
      (r.entityRef ? entityRefFromTag(r.entityRef) : entityFromTagMaps([r.tags, r.labels])),
    drifted: r.drifted,
    kind: 'reported' as const,
    details: r.drifted ? (r.details ?? null) : null,
  }));
}
