import {
  GATE_ANNOTATIONS,
  parseOpenSloDocuments,
} from '@greenlight/backstage-plugin-greenlight-common';
import { parse, parseAllDocuments } from 'yaml';

/** A gate setting by its annotation suffix, e.g. `interval` for `greenlight.dev/interval`. */
export type GateSettingName = Exclude<keyof typeof GATE_ANNOTATIONS, 'gates'>;

/** The annotation suffixes next to the setting names, e.g. `failure-rule` → `failureRule`. */
export const GATE_SETTING_BY_SUFFIX: Record<string, GateSettingName> = Object.fromEntries(
  Object.entries(GATE_ANNOTATIONS)
    .filter(([name]) => name !== 'gates')
    .map(([name, annotation]) => [annotation.slice('greenlight.dev/'.length), name as GateSettingName]),
);

export type SloCheckResult = {
  ok: boolean;
  errors: string[];
  warnings: string[];
  gateIds: string[];
  /** Gate settings every SLO document agrees on, by setting name (`failureRule`, …). */
  settings: Record<string, string>;
};

const KNOWN_ANNOTATIONS = new Set<string>(Object.values(GATE_ANNOTATIONS));

function sloDocuments(documents: unknown[]) {
  return documents
    .map((doc, i) => ({ doc: doc as any, where: `document ${i + 1}` }))
    .filter(({ doc }) => doc?.apiVersion === 'openslo/v1' && doc?.kind === 'SLO');
}

/**
 * Greenlight reads only the annotations it knows, so a misspelt one would silently fall
 * back to a default; these are checked here, before the parser sees the documents.
 */
function annotationProblems(documents: unknown[], requiredSettings: string[]): string[] {
  const problems: string[] = [];
  for (const { doc, where } of sloDocuments(documents)) {
    const name = doc.metadata?.name ?? where;
    const annotations: Record<string, unknown> = doc.metadata?.annotations ?? {};
    for (const key of Object.keys(annotations)) {
      if (key.startsWith('greenlight.dev/') && !KNOWN_ANNOTATIONS.has(key)) {
        problems.push(`SLO ${name}: unknown annotation ${key}; Greenlight reads ${[...KNOWN_ANNOTATIONS].join(', ')}`);
      }
    }
    for (const setting of requiredSettings) {
      const key = `greenlight.dev/${setting}`;
      if (annotations[key] === undefined) {
        problems.push(`SLO ${name}: annotation ${key} is required for rollout gates`);
      }
    }
  }
  return problems;
}

function agreedSettings(documents: unknown[]): Record<string, string> {
  const slos = sloDocuments(documents);
  const settings: Record<string, string> = {};
  for (const [suffix, setting] of Object.entries(GATE_SETTING_BY_SUFFIX)) {
    const values = slos.map(({ doc }) => doc.metadata?.annotations?.[`greenlight.dev/${suffix}`]);
    if (values.length && values.every(v => typeof v === 'string' && v === values[0])) {
      settings[setting] = values[0];
    }
  }
  return settings;
}

/**
 * Checks an OpenSLO YAML stream the way Greenlight will read it: YAML syntax of every
 * document, the `greenlight.dev/*` annotations, then the gates the parser derives.
 * Every problem is reported, not just the first.
 */
export function checkOpenSlo(text: string, options: { requiredSettings?: string[] } = {}): SloCheckResult {
  const parsed = parseAllDocuments(text);
  const yamlErrors = parsed.flatMap((doc, i) =>
    doc.errors.map(e => `document ${i + 1}: ${e.message.split('\n')[0]}`),
  );
  if (yamlErrors.length) {
    return { ok: false, errors: yamlErrors, warnings: [], gateIds: [], settings: {} };
  }
  const documents = parsed.map(doc => doc.toJSON());
  const errors = annotationProblems(documents, options.requiredSettings ?? []);
  const result = parseOpenSloDocuments(documents, { parseEmbedded: embedded => parse(embedded) });
  if (!result.ok) errors.push(...result.errors);
  return {
    ok: errors.length === 0,
    errors,
    warnings: result.warnings,
    gateIds: result.ok ? result.gates.map(g => g.id) : [],
    settings: agreedSettings(documents),
  };
}
