/**
 * Webhook secrets per path: one per repository or project, or per organisation or group above
 * it, and optionally one for every path no entry covers. A delivery must carry the secret of
 * the entry covering the path named in its body, so whoever holds one repository's secret (or
 * the shared one) cannot post in the name of another that has its own. The GitHub webhook and
 * the GitLab source read their secrets this way.
 *
 * @public
 */
export type PathSecrets = {
  /** Accepted for paths that no entry covers. */
  fallback?: string;
  /** Paths lowercased, without leading or trailing slashes. */
  entries: Array<{ path: string; secret: string }>;
};

/** Paths compare without case, as GitHub, GitLab and the catalog compare them. */
const normalise = (path: string) =>
  path
    .trim()
    .replace(/^\/+|\/+$/g, '')
    .toLowerCase();

/**
 * Checks and normalises configured entries. `field(i)` names entry `i` in errors, e.g.
 * `greenlight.sources.gitlab.projects[0]`; `kind` says what a path names, e.g. "a project or
 * group". Throws on an empty path or a path listed twice.
 *
 * @public
 */
export function pathSecrets(options: {
  fallback?: string;
  entries: Array<{ path: string; secret: string }>;
  field: (index: number) => string;
  kind: string;
}): PathSecrets {
  const seen = new Set<string>();
  const entries = options.entries.map((entry, i) => {
    const path = normalise(entry.path);
    if (!path)
      throw new Error(`${options.field(i)}.path: must name ${options.kind}`);
    if (seen.has(path))
      throw new Error(`${options.field(i)}.path: ${path} is listed twice`);
    seen.add(path);
    return { path, secret: entry.secret };
  });
  return { fallback: options.fallback || undefined, entries };
}

/**
 * The secret a delivery about `path` must carry: that of the entry with the longest path that
 * is the path itself or one above it (at a `/`), else the fallback. `undefined` (no path could
 * be read and there is no fallback, or nothing covers it and there is no fallback) refuses.
 *
 * @public
 */
export function secretForPath(
  secrets: PathSecrets,
  path: string | undefined,
): string | undefined {
  if (path !== undefined) {
    const wanted = normalise(path);
    let best: { path: string; secret: string } | undefined;
    for (const entry of secrets.entries) {
      const covers =
        wanted === entry.path || wanted.startsWith(`${entry.path}/`);
      if (covers && (!best || entry.path.length > best.path.length))
        best = entry;
    }
    if (best) return best.secret;
  }
  return secrets.fallback;
}
