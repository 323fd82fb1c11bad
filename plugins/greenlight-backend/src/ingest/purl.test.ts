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
