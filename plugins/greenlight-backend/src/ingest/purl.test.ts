import { parsePurl, purlDigest } from './purl';

const HEX = '0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427';

describe('parsePurl', () => {
  it.each([
    [
      `pkg:oci/myapp@sha256%3A${HEX}`,
      {
        unversioned: 'pkg:oci/myapp',
        name: 'myapp',
        version: `sha256:${HEX}`,
        qualifiers: {},
      },
    ],
    [
      `pkg:OCI/acme/payments@sha256:${HEX.toUpperCase()}?repository_url=ghcr.io%2Facme&tag=v1#sub`,
      {
        unversioned: 'pkg:oci/acme/payments',
        name: 'acme/payments',
        version: `sha256:${HEX.toUpperCase()}`,
        qualifiers: { repository_url: 'ghcr.io/acme', tag: 'v1' },
      },
    ],
    [
      'pkg:npm/%40angular/core@16.0.0',
      {
        unversioned: 'pkg:npm/%40angular/core',
        name: '@angular/core',
        version: '16.0.0',
        qualifiers: {},
      },
    ],
    [
      'pkg:npm/@angular/core',
      {
        unversioned: 'pkg:npm/@angular/core',
        name: '@angular/core',
        version: undefined,
        qualifiers: {},
      },
    ],
  ])('parses %s', (input, expected) => {
    expect(parsePurl(input)).toEqual(expected);
  });

  // The spec's normalisation per type (purl-spec PURL-TYPES.rst), as packageurl-js applies it.
  it.each([
    [
      'pkg:pypi/Django_Rest_Framework@3.15.2',
      'django-rest-framework',
      '3.15.2',
    ],
    [
      'pkg:github/Package-URL/Purl-Spec@244fd47e',
      'package-url/purl-spec',
      '244fd47e',
    ],
    [
      'pkg:bitbucket/Birkenfeld/Pygments-Main@1',
      'birkenfeld/pygments-main',
      '1',
    ],
    ['pkg:npm/Left-Pad@1.3.0', 'left-pad', '1.3.0'],
    // Case matters in these types: kept as written.
    [
      'pkg:maven/org.Apache.Commons/Commons-Lang3@3.14',
      'org.Apache.Commons/Commons-Lang3',
      '3.14',
    ],
    [
      'pkg:nuget/EnterpriseLibrary.Common@6.0.1304',
      'EnterpriseLibrary.Common',
      '6.0.1304',
    ],
    [
      'pkg:golang/github.com/Gorilla/Context@v1.1.1',
      'github.com/Gorilla/Context',
      'v1.1.1',
    ],
    ['pkg:docker/Library/Debian@sha256:ab', 'Library/Debian', 'sha256:ab'],
    // A repository path in an OCI namespace breaks the OCI rule but is kept, as producers write it.
    ['pkg:oci/Acme/Payments@v1', 'Acme/Payments', 'v1'],
  ])('normalises %s per its type', (input, name, version) => {
    expect(parsePurl(input)).toMatchObject({ name, version });
  });

  it('reads qualifiers case-insensitively by key and decodes their values', () => {
    expect(
      parsePurl(
        'pkg:generic/openssl@3.0.13?Checksum=sha256%3Aab&download_url=https%3A%2F%2Fx.example%2Fo.tgz',
      )?.qualifiers,
    ).toEqual({
      checksum: 'sha256:ab',
      download_url: 'https://x.example/o.tgz',
    });
  });

  it.each(['mySubject123', 'oci/myapp', 'pkg:oci', 'pkg:oci/myapp@%E0%A4%A'])(
    'rejects %s',
    input => {
      expect(parsePurl(input)).toBeUndefined();
    },
  );
});

describe('purlDigest', () => {
  it('returns a lower-case digest pinned by the version', () => {
    expect(
      purlDigest(parsePurl(`pkg:oci/a@sha256:${HEX.toUpperCase()}`)!),
    ).toBe(`sha256:${HEX}`);
  });

  it.each([
    'pkg:oci/a@v1.2.3',
    'pkg:oci/a',
    'pkg:golang/x.io/a@234fd47e07d1004f0aed9c',
  ])('finds no digest in %s', input => {
    expect(purlDigest(parsePurl(input)!)).toBeUndefined();
  });
});
