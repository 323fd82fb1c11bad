const trimSlashes = (s: string) => s.trim().replace(/^\/+|\/+$/g, '');
const withoutGitSuffix = (s: string) => s.replace(/\.git$/, '');

function hostAndPath(value: string, hostOnly = false): string | undefined {
  const text = value.trim();
  const scp = /^[\w.-]+@([\w.-]+\.[a-z]{2,}):(.+)$/i.exec(text);
  if (scp)
    return withoutGitSuffix(`${scp[1].toLowerCase()}/${trimSlashes(scp[2])}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    try {
      const url = new URL(text);
      const path = trimSlashes(url.pathname);
      if (!url.hostname) return undefined;
      if (!path) return hostOnly ? url.hostname.toLowerCase() : undefined;
      return withoutGitSuffix(`${url.hostname.toLowerCase()}/${path}`);
    } catch {
      return undefined;
    }
  }
  // A bare `host/owner/repo`: the first segment must look like a host name.
  const [first, ...rest] = trimSlashes(text).split('/');
  if (!/^[\w-]+(\.[\w-]+)+$/.test(first ?? '')) return undefined;
  if (rest.length === 0) return hostOnly ? first.toLowerCase() : undefined;
  return withoutGitSuffix([first.toLowerCase(), ...rest].join('/'));
}

/**
 * Greenlight names repositories `<host>/<path>` (e.g. `github.com/acme/payments`), the
 * form the ledger matches against catalog annotations; URLs and clone addresses are
 * reduced to it.
 */
export function normalizeRepository(
  id: string,
  source?: string,
): string | undefined {
  const own = hostAndPath(id);
  if (own) return own;
  const base = source ? hostAndPath(source, true) : undefined;
  const path = trimSlashes(id);
  if (!base || !path) return undefined;
  return withoutGitSuffix(`${base}/${path}`);
}

/** The repository name Greenlight uses for a GitHub `owner/repo` slug. */
export const githubRepository = (fullName: string) => `github.com/${fullName}`;
