/** A repository reference split out of a VCS URI. */
export interface GitReference {
  repository: string;
  ref?: string;
}

/**
 * Splits URIs such as `git+https://github.com/org/repo@refs/heads/main` into
 * repository and ref. The `@` of a ref lives in the path, so user-info such as
 * `ssh://git@host/...` is left alone.
 */
export function parseGitUri(uri: string): GitReference | undefined {
  const trimmed = uri.trim().replace(/^git\+/, '');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(trimmed);
  if (!scheme) {
    return undefined;
  }
  const rest = trimmed.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  if (slash <= 0) {
    return undefined;
  }
  const host = rest.slice(0, slash);
  const pathAndRef = rest.slice(slash + 1);
  const at = pathAndRef.indexOf('@');
  const path = at >= 0 ? pathAndRef.slice(0, at) : pathAndRef;
  const ref = at >= 0 ? pathAndRef.slice(at + 1) : undefined;
  const cleanPath = path.replace(/\/+$/, '').replace(/\.git$/, '');
  if (!cleanPath) {
    return undefined;
  }
  return {
    repository: `${scheme[1].toLowerCase()}://${host}/${cleanPath}`,
    ref: ref || undefined,
  };
}

/**
 * Reduces the spellings people use for one repository (Backstage `url:`
 * locations, `git+` URIs, `.git` suffixes, `/tree/<branch>` links, bare
 * `host/org/repo`) to one comparable key. Hosts and paths are compared
 * case-insensitively, as the common forges treat them.
 */
export function repositoryKey(value: string): string {
  let text = value
    .trim()
    .replace(/^url:/, '')
    .replace(/^git\+/, '');
  text = text.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
  text = text.replace(/^[^/@]+@/, '');
  text = text.replace(/^www\./i, '');
  text = text.replace(/[?#].*$/, '');
  const at = text.indexOf('@', text.indexOf('/'));
  if (at > 0) {
    text = text.slice(0, at);
  }
  text = text.replace(/\/-\/(tree|blob)\/.*$/, '');
  text = text.replace(/\/(tree|blob|src)\/.*$/, '');
  text = text.replace(/\/+$/, '').replace(/\.git$/, '');
  // scp-like `git@github.com:org/repo`
  text = text.replace(/^([^/:]+):(?!\d+\/)/, '$1/');
  return text.toLowerCase();
}

export function sameRepository(a: string, b: string): boolean {
  return repositoryKey(a) === repositoryKey(b);
}
