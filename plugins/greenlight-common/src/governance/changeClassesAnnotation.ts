import { PATH_RULE_NAMES, PathRuleName } from './classes';

/** Globs of one class: a path is in the class when it matches an include and no exclude. @public */
export type PathRule = { include: string[]; exclude: string[] };

/** @public */
export type PathRules = Record<PathRuleName, PathRule>;

/** @public */
export type ChangeClassesParseResult =
  | { ok: true; rules: Partial<PathRules> }
  | { ok: false; problems: string[] };

/**
 * Parses the `greenlight.dev/change-classes` annotation:
 * `database=db/**,schema/*.rb;config=deploy/**;ignore=fixtures/**`.
 *
 * Entries are separated by `;` or new lines, globs by `,`. A glob starting with `!` takes
 * paths out of the class. Entity globs add to the defaults rather than replace them, so a
 * service that declares where its schema lives still has its `.sql` files recognised; `!`
 * is how an entity removes a default that misfires for it.
 *
 * @public
 */
export function parseChangeClassesAnnotation(value: string): ChangeClassesParseResult {
  const rules: Partial<PathRules> = {};
  const problems: string[] = [];
  const entries = value
    .split(/[;\n]/)
    .map(e => e.trim())
    .filter(Boolean);
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq <= 0) {
      problems.push(`"${entry}" is not class=glob,glob`);
      continue;
    }
    const name = entry.slice(0, eq).trim();
    if (!(PATH_RULE_NAMES as readonly string[]).includes(name)) {
      problems.push(`unknown class "${name}" (expected one of ${PATH_RULE_NAMES.join(', ')})`);
      continue;
    }
    const globs = entry
      .slice(eq + 1)
      .split(',')
      .map(g => g.trim())
      .filter(Boolean);
    if (globs.length === 0) {
      problems.push(`class "${name}" has no globs`);
      continue;
    }
    const rule = (rules[name as PathRuleName] ??= { include: [], exclude: [] });
    for (const glob of globs) {
      if (glob.startsWith('!')) {
        if (glob.length > 1) rule.exclude.push(glob.slice(1));
        else problems.push(`class "${name}" has an empty "!" glob`);
      } else {
        rule.include.push(glob);
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rules };
}

/** Defaults plus what an entity adds or excludes, class by class. @public */
export function mergePathRules(
  defaults: Record<PathRuleName, readonly string[]>,
  extra: Partial<PathRules> = {},
): PathRules {
  const merged = {} as PathRules;
  for (const name of PATH_RULE_NAMES) {
    merged[name] = {
      include: [...defaults[name], ...(extra[name]?.include ?? [])],
      exclude: [...(extra[name]?.exclude ?? [])],
    };
  }
  return merged;
}
