import { parseDurationSeconds } from './duration';
import {
  checkRule,
  issuesOf,
  type Context,
  type GateParseOptions,
  type GateParseResult,
} from './gateBuilders';
import { embeddedEntries, entryGate } from './gateEntries';
import {
  GATE_ANNOTATIONS,
  defaultGatePolicy,
  gateSettingsSchema,
  mergePolicy,
  policyOverrides,
  settingsFromAnnotations,
} from './gateSettings';
import { objectiveGate } from './objectiveGates';
import {
  openSloDataSourceSchema,
  openSloSliSchema,
  openSloSloSchema,
  type OpenSloSlo,
} from './openSloSchema';
import type { GateDefinition } from './types';

export type { GateParseOptions, GateParseResult } from './gateBuilders';

function sloGates(slo: OpenSloSlo, ctx: Context): GateDefinition[] {
  const where = `SLO ${slo.metadata.name}`;
  const settingsResult = gateSettingsSchema.safeParse(
    settingsFromAnnotations(slo.metadata.annotations),
  );
  if (!settingsResult.success) {
    ctx.errors.push(
      ...issuesOf(
        where,
        settingsResult.error,
        field =>
          GATE_ANNOTATIONS[field as keyof typeof GATE_ANNOTATIONS] ?? field,
      ),
    );
    return [];
  }
  if (parseDurationSeconds(slo.spec.timeWindow[0].duration) === undefined) {
    ctx.errors.push(
      `${where} timeWindow: "${slo.spec.timeWindow[0].duration}" is not a duration like 28d or 1M`,
    );
  }
  const settings = settingsResult.data;
  const policy = mergePolicy(
    defaultGatePolicy,
    ctx.options.defaults,
    policyOverrides(settings),
  );
  checkRule(policy, where, ctx);
  const derived = slo.spec.objectives.map((_, i) =>
    objectiveGate(slo, i, settings, policy, ctx),
  );
  const listed = embeddedEntries(slo, ctx).map(entry =>
    entryGate(entry, slo, settings, policy, ctx),
  );
  return [...derived, ...listed].filter(
    (gate): gate is GateDefinition => !!gate,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns OpenSLO v1 documents (already parsed from YAML or JSON; one YAML stream may hold
 * several) into gate definitions. `SLI` and `DataSource` documents resolve
 * `indicatorRef` and `metricSourceRef`; other OpenSLO kinds are ignored. Each SLO
 * objective becomes a gate (burn-rate for ratio SLIs, threshold for threshold SLIs) and
 * the `greenlight.dev/gates` annotation adds further gates.
 *
 * @public
 */
export function parseOpenSloDocuments(
  documents: readonly unknown[],
  options: GateParseOptions = {},
): GateParseResult {
  const ctx: Context = {
    errors: [],
    warnings: [],
    slis: new Map(),
    dataSources: new Map(),
    options,
  };
  const slos: OpenSloSlo[] = [];
  documents.forEach((doc, i) => {
    const where = `document ${i + 1}`;
    if (doc === null || doc === undefined) return;
    if (!isRecord(doc)) {
      ctx.errors.push(`${where}: not an object`);
      return;
    }
    if (doc.apiVersion !== 'openslo/v1') {
      ctx.warnings.push(
        `${where}: skipped, apiVersion ${String(
          doc.apiVersion,
        )} is not openslo/v1`,
      );
      return;
    }
    const schema = {
      SLO: openSloSloSchema,
      SLI: openSloSliSchema,
      DataSource: openSloDataSourceSchema,
    }[String(doc.kind)];
    if (!schema) return;
    const parsed = schema.safeParse(doc);
    if (!parsed.success) {
      ctx.errors.push(
        ...issuesOf(`${where} (${String(doc.kind)})`, parsed.error),
      );
      return;
    }
    const value = parsed.data;
    if (value.kind === 'SLO') slos.push(value);
    else if (value.kind === 'SLI')
      ctx.slis.set(value.metadata.name, value.spec);
    else ctx.dataSources.set(value.metadata.name, value.spec.type);
  });
  if (!slos.length && !ctx.errors.length)
    ctx.errors.push('no openslo/v1 SLO document found');

  const gates = slos.flatMap(slo => sloGates(slo, ctx));
  const seen = new Set<string>();
  for (const gate of gates) {
    if (seen.has(gate.id)) ctx.errors.push(`gate id ${gate.id} is used twice`);
    seen.add(gate.id);
  }
  return ctx.errors.length
    ? { ok: false, errors: ctx.errors, warnings: ctx.warnings }
    : { ok: true, gates, warnings: ctx.warnings };
}

/**
 * `parseOpenSloDocuments` for a single document.
 *
 * @public
 */
export function parseOpenSlo(
  document: unknown,
  options?: GateParseOptions,
): GateParseResult {
  return parseOpenSloDocuments([document], options);
}
