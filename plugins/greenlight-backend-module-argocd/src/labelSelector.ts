/**
 * Whether labels satisfy a Kubernetes label selector (`app=checkout,tier!=canary`,
 * `env in (prod,staging)`, `team`, `!legacy`), the syntax `argocd/app-selector` holds.
 * The webhook uses it to find the entities whose selector picks the application; the pull
 * lets Argo CD apply the selector itself. An unreadable selector matches nothing.
 */
export function matchesSelector(
  selector: string,
  labels: Record<string, string>,
): boolean {
  const requirements = splitRequirements(selector);
  if (requirements.length === 0) return false;
  return requirements.every(r => matchesRequirement(r.trim(), labels));
}

function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts.map(p => p.trim()).filter(Boolean);
}

function matchesRequirement(
  requirement: string,
  labels: Record<string, string>,
): boolean {
  const set = /^([\w./-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(requirement);
  if (set) {
    const values = set[3].split(',').map(v => v.trim());
    const has = Object.hasOwn(labels, set[1]);
    return set[2] === 'in'
      ? has && values.includes(labels[set[1]])
      : !has || !values.includes(labels[set[1]]);
  }
  const equality = /^([\w./-]+)\s*(==|=|!=)\s*([\w.-]*)$/.exec(requirement);
  if (equality) {
    const [, key, op, value] = equality;
    const equal = Object.hasOwn(labels, key) && labels[key] === value;
    return op === '!=' ? !equal : equal;
  }
  const absent = /^!([\w./-]+)$/.exec(requirement);
  if (absent) return !Object.hasOwn(labels, absent[1]);
  if (/^[\w./-]+$/.test(requirement)) return Object.hasOwn(labels, requirement);
  return false;
}
