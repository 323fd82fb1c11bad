import { digestSchema } from '@greenlight/backstage-plugin-greenlight-common';

/** The parts of a package URL (https://github.com/package-url/purl-spec) Greenlight uses. */
export type PackageUrl = {
  /** `pkg:<type>/<namespace>/<name>` as received: the form the `greenlight.dev/artifact` annotation holds. */
  unversioned: string;
  /** Namespace and name, decoded, e.g. `acme/payments`. */
  name: string;
  /** The decoded version, e.g. `sha256:…` for OCI images. */
  version?: string;
  qualifiers: Record<string, string>;
};

const decode = (part: string): string | undefined => {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
};

export function parsePurl(input: string): PackageUrl | undefined {
  const match = /^pkg:\/*([a-zA-Z][a-zA-Z0-9.+-]*)\/(.+)$/.exec(input.trim());
  if (!match) return undefined;
  const type = match[1].toLowerCase();
  let rest = match[2];
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const qualifiers: Record<string, string> = {};
  const question = rest.indexOf('?');
  if (question >= 0) {
    for (const pair of rest.slice(question + 1).split('&')) {
      const [key, value = ''] = pair.split('=');
      const decoded = decode(value);
      if (key && decoded !== undefined) qualifiers[key.toLowerCase()] = decoded;
    }
    rest = rest.slice(0, question);
  }
  let version: string | undefined;
  const at = rest.lastIndexOf('@');
  // An `@` in the first segment is a scoped npm namespace, not a version separator.
  if (at > 0 && at > rest.indexOf('/')) {
    version = decode(rest.slice(at + 1));
    if (version === undefined) return undefined;
    rest = rest.slice(0, at);
  }
  const path = rest.replace(/^\/+|\/+$/g, '');
  const name = decode(path);
  if (!path || name === undefined) return undefined;
  return {
    unversioned: `pkg:${type}/${path}`,
    name,
    version: version || undefined,
    qualifiers,
  };
}

/** The content digest a purl pins, if its version is one (OCI images: `@sha256:…`). */
export function purlDigest(purl: PackageUrl): string | undefined {
  const candidate = purl.version?.toLowerCase();
  return candidate && digestSchema.safeParse(candidate).success
    ? candidate
    : undefined;
}
