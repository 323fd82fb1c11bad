import { digestSchema } from '@greenlight/backstage-plugin-greenlight-common';
import { PackageURL } from 'packageurl-js';

/** The parts of a package URL (https://github.com/package-url/purl-spec) Greenlight uses. */
export type PackageUrl = {
  /** `pkg:<type>/<namespace>/<name>` as received: the form the `greenlight.dev/artifact` annotation holds. */
  unversioned: string;
  /**
   * Namespace and name, decoded and normalised as the spec says for the type, e.g.
   * `acme/payments`, `django-rest` for `pkg:pypi/Django_Rest`.
   */
  name: string;
  /** The decoded version, e.g. `sha256:…` for OCI images. */
  version?: string;
  /** Keys lower-cased, values decoded. */
  qualifiers: Record<string, string>;
};

type Components = ReturnType<typeof PackageURL.parseString>;

/**
 * The spec's per-type rules (lower-cased names for pypi, github, bitbucket, npm; `_` as `-`
 * for pypi), or, when the purl breaks a type rule that producers commonly break, such as a
 * repository path in the namespace of an OCI purl (`pkg:oci/acme/payments`), the components
 * as written: the event stays usable rather than being dropped over a detail.
 */
function normalised(components: Components) {
  const [type, namespace, name, version, qualifiers, subpath] = components;
  try {
    const strict = new PackageURL(
      type!,
      namespace,
      name!,
      version,
      qualifiers,
      subpath,
    );
    return {
      namespace: strict.namespace,
      name: strict.name,
      version: strict.version,
    };
  } catch {
    return { namespace, name, version };
  }
}

export function parsePurl(input: string): PackageUrl | undefined {
  const trimmed = input.trim();
  let components: Components;
  try {
    // Decodes every component; throws on a missing scheme, type or name and on bad escapes.
    components = PackageURL.parseString(trimmed);
  } catch {
    return undefined;
  }
  const [type, , rawName, , rawQualifiers] = components;
  if (!type || !rawName) return undefined;
  const { namespace, name, version } = normalised(components);
  const qualifiers: Record<string, string> = {};
  // Typed as a plain object, handed over as URLSearchParams by packageurl-js 2.
  const entries: Iterable<[string, unknown]> =
    rawQualifiers instanceof URLSearchParams
      ? rawQualifiers.entries()
      : Object.entries(rawQualifiers ?? {});
  for (const [key, value] of entries) {
    if (key && typeof value === 'string') qualifiers[key.toLowerCase()] = value;
  }
  return {
    unversioned: unversionedAsReceived(trimmed, type),
    name: namespace ? `${namespace}/${name}` : String(name),
    version: version || undefined,
    qualifiers,
  };
}

/**
 * The purl without version, qualifiers and subpath, its path kept as written (`%40` stays
 * `%40`, `@` stays `@`): annotations are matched against this text, so that the way one
 * pipeline encodes a name keeps matching the annotation written the same way.
 */
function unversionedAsReceived(purl: string, type: string): string {
  let rest = purl.slice(purl.indexOf(':') + 1).replace(/^\/+/, '');
  rest = rest.slice(rest.indexOf('/') + 1);
  for (const separator of ['#', '?']) {
    const at = rest.indexOf(separator);
    if (at >= 0) rest = rest.slice(0, at);
  }
  const at = rest.lastIndexOf('@');
  // An `@` in the first segment is a scoped npm namespace, not a version separator.
  if (at > 0 && at > rest.indexOf('/')) rest = rest.slice(0, at);
  return `pkg:${type.toLowerCase()}/${rest.replace(/^\/+|\/+$/g, '')}`;
}

/** The content digest a purl pins, if its version is one (OCI images: `@sha256:…`). */
export function purlDigest(purl: PackageUrl): string | undefined {
  const candidate = purl.version?.toLowerCase();
  return candidate && digestSchema.safeParse(candidate).success
    ? candidate
    : undefined;
}
