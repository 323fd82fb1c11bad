import {
  parseOpenSloDocuments,
  type GateParseOptions,
  type GateParseResult,
} from '@greenlight/backstage-plugin-greenlight-common';
import { parse, parseAllDocuments } from 'yaml';

/**
 * Parses an OpenSLO YAML stream (documents separated by `---`) into gates. The
 * `greenlight.dev/gates` annotation is read as YAML as well.
 */
export function parseGateYaml(
  text: string,
  options: Omit<GateParseOptions, 'parseEmbedded'> = {},
): GateParseResult {
  const documents = parseAllDocuments(text);
  const broken = documents.flatMap((doc, i) =>
    doc.errors.map(error => `document ${i + 1}: ${error.message}`),
  );
  if (broken.length) return { ok: false, errors: broken, warnings: [] };
  return parseOpenSloDocuments(
    documents.map(doc => doc.toJSON()),
    { ...options, parseEmbedded: embedded => parse(embedded) },
  );
}
