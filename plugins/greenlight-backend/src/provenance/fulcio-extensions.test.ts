import { FULCIO_OIDS, readFulcioSource } from './fulcio-extensions';

const oid = (dotted: string) => ({ id: dotted.split('.').map(Number) });
const utf8 = (text: string) =>
  Buffer.concat([
    Buffer.from([0x0c, Buffer.byteLength(text)]),
    Buffer.from(text),
  ]);

describe('readFulcioSource', () => {
  it('reads the source extensions as DER UTF8Strings', () => {
    expect(
      readFulcioSource([
        {
          oid: oid(FULCIO_OIDS.sourceRepositoryUri),
          value: utf8('https://github.com/acme/payments'),
        },
        {
          oid: oid(FULCIO_OIDS.sourceRepositoryRef),
          value: utf8('refs/heads/main'),
        },
        { oid: oid(FULCIO_OIDS.sourceRepositoryDigest), value: utf8('abc123') },
        {
          oid: oid(FULCIO_OIDS.buildSignerUri),
          value: utf8(
            'https://github.com/acme/payments/.github/workflows/release.yml@refs/heads/main',
          ),
        },
        { oid: oid('2.5.29.17'), value: Buffer.from([0x30, 0x00]) },
      ]),
    ).toEqual({
      ok: true,
      source: {
        sourceRepository: 'https://github.com/acme/payments',
        sourceRef: 'refs/heads/main',
        sourceDigest: 'abc123',
        buildSignerUri:
          'https://github.com/acme/payments/.github/workflows/release.yml@refs/heads/main',
      },
    });
  });

  it('reads a certificate without them as naming no source', () => {
    expect(readFulcioSource([])).toEqual({ ok: true, source: {} });
  });

  it.each([
    ['a raw string', Buffer.from('https://github.com/acme/payments')],
    [
      'another string type',
      Buffer.concat([Buffer.from([0x16, 3]), Buffer.from('abc')]),
    ],
    ['trailing bytes', Buffer.concat([utf8('abc'), Buffer.from([0])])],
    ['invalid UTF-8', Buffer.from([0x0c, 2, 0xc3, 0x28])],
    ['an empty string', Buffer.from([0x0c, 0])],
  ])('refuses a source repository encoded as %s', (_, value) => {
    expect(
      readFulcioSource([{ oid: oid(FULCIO_OIDS.sourceRepositoryUri), value }]),
    ).toEqual({
      ok: false,
      reason: `certificate extension ${FULCIO_OIDS.sourceRepositoryUri} is not a UTF8String`,
    });
  });

  it('refuses a repeated extension', () => {
    const entry = {
      oid: oid(FULCIO_OIDS.sourceRepositoryUri),
      value: utf8('a'),
    };
    expect(readFulcioSource([entry, entry])).toEqual({
      ok: false,
      reason: `certificate repeats extension ${FULCIO_OIDS.sourceRepositoryUri}`,
    });
  });
});
