/**
 * The `opsgenie.com/component-selector` annotation of the Opsgenie Backstage plugin holds an
 * Opsgenie alert search query, such as `tag:"service:checkout"`. A webhook delivers one
 * alert, not a search, so this source understands the part of that query language that
 * decides an alert by its own fields: terms `tag:<value>` (the alert has that tag) and
 * `entity:<value>` (the alert's `entity` field is that value), values quoted or not, joined
 * by `OR`. Matching is exact and case-sensitive. A selector with anything else (AND, NOT,
 * other fields, wildcards) selects nothing, so it never writes to a component by a guess.
 */

export type SelectorTerm = { field: 'tag' | 'entity'; value: string };

const TERM = /^(tag|entity)\s*:\s*(?:"([^"]*)"|([^\s"]+))$/;

/** The selector's terms, or undefined when it uses more than this source understands. */
export function parseSelector(selector: string): SelectorTerm[] | undefined {
  const parts = selector.trim().split(/\s+OR\s+/);
  const terms: SelectorTerm[] = [];
  for (const part of parts) {
    const match = TERM.exec(part.trim());
    if (!match) return undefined;
    const value = match[2] ?? match[3];
    if (!value) return undefined;
    terms.push({ field: match[1] as SelectorTerm['field'], value });
  }
  return terms.length > 0 ? terms : undefined;
}

export function alertMatches(
  terms: SelectorTerm[],
  alert: { tags?: string[] | null; entity?: string | null },
): boolean {
  return terms.some(t =>
    t.field === 'tag'
      ? (alert.tags ?? []).includes(t.value)
      : alert.entity === t.value,
  );
}
