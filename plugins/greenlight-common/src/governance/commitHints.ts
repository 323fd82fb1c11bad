import { ChangeClass } from './classes';

const CONVENTIONAL = /^\s*([a-z]+)(?:\(([^)]*)\))?(!)?:/i;

const SCOPE_CLASSES: Array<[RegExp, ChangeClass]> = [
  [/^(deps|deps-dev|dependencies)$/i, 'security-sensitive'],
  [/^(security|auth|crypto)$/i, 'security-sensitive'],
  [/^(db|database|migrations?|schema)$/i, 'database'],
  [/^(config|configuration)$/i, 'config'],
  [/^(api|contract|proto)$/i, 'cross-service'],
];

/**
 * Classes a commit title announces: Conventional Commits scopes and breaking markers, and the
 * titles dependency bots write. Titles are the only change data the ledger keeps about
 * commits, so this is a hint that adds classes, never one that removes them.
 *
 * @public
 */
export function classesFromCommitTitle(title: string): ChangeClass[] {
  const classes = new Set<ChangeClass>();
  const match = CONVENTIONAL.exec(title);
  if (match) {
    const [, , scope, bang] = match;
    if (bang) classes.add('cross-service');
    for (const part of (scope ?? '').split(/[,/\s]+/).filter(Boolean)) {
      for (const [pattern, cls] of SCOPE_CLASSES) if (pattern.test(part)) classes.add(cls);
    }
  }
  if (/BREAKING[ -]CHANGE/.test(title)) classes.add('cross-service');
  if (/^\s*(bump|update dependency|chore\(deps\))\b/i.test(title)) classes.add('security-sensitive');
  return [...classes];
}
