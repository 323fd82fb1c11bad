import { Minimatch } from 'minimatch';
import { CHANGE_CLASSES, ChangeClass, PATH_RULE_NAMES, PathRuleName } from './classes';
import { PathRules, mergePathRules } from './changeClassesAnnotation';
import { classesFromCommitTitle } from './commitHints';
import { DEFAULT_LABEL_RULES, DEFAULT_PATH_RULES } from './defaults';

/** @public */
export type ChangeDescription = {
  changedFiles?: string[];
  labels?: string[];
  /** Titles of the change's commits, from the ledger. */
  commitTitles?: string[];
};

/** Why a change is in a class. @public */
export type ClassMatch = {
  class: ChangeClass;
  paths: string[];
  labels: string[];
  commits: string[];
  /** Set when the class was assumed rather than detected. */
  assumed?: string;
};

/** @public */
export type Classification = {
  classes: ChangeClass[];
  matches: ClassMatch[];
};

/** @public */
export type ClassificationRules = {
  paths: PathRules;
  labels: Record<ChangeClass, readonly string[]>;
};

type CompiledRule = { include: Minimatch[]; exclude: Minimatch[] };

const compiled = new WeakMap<PathRules, Record<PathRuleName, CompiledRule>>();

function compile(rules: PathRules): Record<PathRuleName, CompiledRule> {
  let result = compiled.get(rules);
  if (!result) {
    const make = (glob: string) => new Minimatch(glob, { dot: true, nocomment: true });
    result = {} as Record<PathRuleName, CompiledRule>;
    for (const name of PATH_RULE_NAMES) {
      result[name] = {
        include: rules[name].include.map(make),
        exclude: rules[name].exclude.map(make),
      };
    }
    compiled.set(rules, result);
  }
  return result;
}

function matches(rule: CompiledRule, path: string): boolean {
  return rule.include.some(m => m.match(path)) && !rule.exclude.some(m => m.match(path));
}

/**
 * Paths as git prints them, whatever the client sent: forward slashes, no leading `./` or `/`.
 *
 * @public
 */
export function normaliseChangedPath(path: string): string {
  return path.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
}

/** @public */
export function defaultClassificationRules(): ClassificationRules {
  return { paths: mergePathRules(DEFAULT_PATH_RULES), labels: DEFAULT_LABEL_RULES };
}

/**
 * Puts a change into classes from its changed paths, labels and commit titles.
 *
 * A path is `code` when it is in none of `config`, `database` and `cross-service` and not
 * ignored (or when it matches an explicit `code` glob): auth code and dependency manifests are
 * therefore both `code` and `security-sensitive`, because they change what runs. A change
 * whose paths are unknown is assumed to be `code`, the class whose controls every deployable
 * change needs, so saying less about a change never asks for fewer controls.
 *
 * @public
 */
export function classifyChange(
  change: ChangeDescription,
  rules: ClassificationRules = defaultClassificationRules(),
): Classification {
  const compiledRules = compile(rules.paths);
  const found = new Map<ChangeClass, ClassMatch>();
  const entry = (cls: ChangeClass) => {
    let m = found.get(cls);
    if (!m) {
      m = { class: cls, paths: [], labels: [], commits: [] };
      found.set(cls, m);
    }
    return m;
  };

  const paths = [...new Set((change.changedFiles ?? []).map(normaliseChangedPath).filter(Boolean))];
  for (const path of paths) {
    const inClasses = CHANGE_CLASSES.filter(
      cls => cls !== 'code' && matches(compiledRules[cls], path),
    );
    const structural = inClasses.some(c => c !== 'security-sensitive');
    const isCode =
      matches(compiledRules.code, path) ||
      (!structural && !matches(compiledRules.ignore, path));
    if (isCode) inClasses.push('code');
    for (const cls of inClasses) entry(cls).paths.push(path);
  }

  for (const label of change.labels ?? []) {
    const wanted = label.trim().toLowerCase();
    for (const cls of CHANGE_CLASSES) {
      if (rules.labels[cls].some(l => l.toLowerCase() === wanted)) entry(cls).labels.push(label);
    }
  }

  for (const title of change.commitTitles ?? []) {
    for (const cls of classesFromCommitTitle(title)) entry(cls).commits.push(title);
  }

  if (paths.length === 0 && !found.has('code')) {
    entry('code').assumed = 'no changed paths were given, so the change is treated as code';
  }

  const classes = CHANGE_CLASSES.filter(c => found.has(c));
  return { classes, matches: classes.map(c => found.get(c)!) };
}
