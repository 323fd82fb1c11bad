import { createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { decodeBase64Strict } from './base64';
import {
  parseDsseEnvelope,
  preAuthEncoding,
  verifyDsseEnvelope,
  DecodedEnvelope,
} from './dsse';
import { SignatureAlgorithm, toVerificationKey } from './keys';
import {
  generateTestKey,
  signEnvelope,
  slsaV1Statement,
  TestKey,
} from './__testUtils__/fixtures';

/**
 * The example from the DSSE protocol specification, "Test Vectors" section of
 * protocol.md in github.com/secure-systems-lab/dsse: ECDSA P-256 / SHA-256
 * with deterministic RFC 6979 nonces, signature as raw r||s.
 */
const SPEC_VECTOR = {
  x: '46950820868899156662930047687818585632848591499744589407958293238635476079160',
  y: '5640078356564379163099075877009565129882514886557779369047442380624545832820',
  pae: 'DSSEv1 29 http://example.com/HelloWorld 11 hello world',
  envelope: {
    payload: 'aGVsbG8gd29ybGQ=',
    payloadType: 'http://example.com/HelloWorld',
    signatures: [
      {
        sig: 'A3JqsQGtVsJ2O2xqrI5IcnXip5GToJ3F+FnZ+O88SjtR6rDAajabZKciJTfUiHqJPcIAriEGAHTVeCUjW2JIZA==',
      },
    ],
  },
};

function specVectorKeyPem(): string {
  const coordinate = (decimal: string) =>
    Buffer.from(BigInt(decimal).toString(16).padStart(64, '0'), 'hex').toString(
      'base64url',
    );
  return createPublicKey({
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: coordinate(SPEC_VECTOR.x),
      y: coordinate(SPEC_VECTOR.y),
    },
    format: 'jwk',
  })
    .export({ format: 'pem', type: 'spki' })
    .toString();
}

function decode(json: unknown): DecodedEnvelope {
  const parsed = parseDsseEnvelope(json);
  if (!parsed.ok) {
    throw new Error(parsed.reason);
  }
  return parsed.envelope;
}

function keyOf(test: TestKey, keyId = test.keyId) {
  return toVerificationKey(keyId, test.publicKeyPem, test.algorithm);
}

describe('preAuthEncoding', () => {
  it('matches the specification example byte for byte', () => {
    expect(
      preAuthEncoding(
        'http://example.com/HelloWorld',
        Buffer.from('hello world'),
      ).toString('utf8'),
    ).toBe(SPEC_VECTOR.pae);
  });

  it('counts bytes, not characters', () => {
    expect(preAuthEncoding('tÿpe', Buffer.from('✓')).toString('utf8')).toBe(
      'DSSEv1 5 tÿpe 3 ✓',
    );
  });

  it('is injective over (type, body)', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.uint8Array(),
        fc.string(),
        fc.uint8Array(),
        (typeA, bodyA, typeB, bodyB) => {
          fc.pre(
            typeA !== typeB || !Buffer.from(bodyA).equals(Buffer.from(bodyB)),
          );
          expect(
            preAuthEncoding(typeA, bodyA).equals(preAuthEncoding(typeB, bodyB)),
          ).toBe(false);
        },
      ),
    );
  });
});

describe('the DSSE specification test vector', () => {
  it('verifies against the published key', () => {
    const key = toVerificationKey(
      'spec',
      specVectorKeyPem(),
      'ecdsa-p256-sha256',
    );
    const result = verifyDsseEnvelope(decode(SPEC_VECTOR.envelope), [key]);
    expect(result.acceptedKeys.map(k => k.keyId)).toEqual(['spec']);
  });

  it('fails once the body changes', () => {
    const key = toVerificationKey('spec', specVectorKeyPem());
    const tampered = { ...SPEC_VECTOR.envelope, payload: 'aGVsbG8gd29ybGQh' };
    expect(verifyDsseEnvelope(decode(tampered), [key]).acceptedKeys).toEqual(
      [],
    );
  });
});

describe('signature algorithms', () => {
  const cases: Array<[SignatureAlgorithm, 'der' | 'ieee-p1363' | undefined]> = [
    ['ecdsa-p256-sha256', 'der'],
    ['ecdsa-p256-sha256', 'ieee-p1363'],
    ['ecdsa-p384-sha384', 'der'],
    ['ecdsa-p384-sha384', 'ieee-p1363'],
    ['ed25519', undefined],
    ['rsa-pss-sha256', undefined],
    ['rsa-pkcs1v15-sha256', undefined],
  ];

  it.each(cases)('%s (%s) verifies and rejects a foreign key', (alg, enc) => {
    const signer = generateTestKey('signer', alg, enc);
    const stranger = generateTestKey('stranger', alg, enc);
    const envelope = decode(signEnvelope(slsaV1Statement(), [signer]));

    expect(
      verifyDsseEnvelope(envelope, [keyOf(signer)]).acceptedKeys,
    ).toHaveLength(1);
    expect(
      verifyDsseEnvelope(envelope, [keyOf(stranger, 'signer')]),
    ).toMatchObject({ acceptedKeys: [], failedKeyIds: ['signer'] });
  });

  it('does not accept a PKCS#1 v1.5 signature for a key pinned to PSS', () => {
    const signer = generateTestKey('rsa', 'rsa-pkcs1v15-sha256');
    const envelope = decode(signEnvelope(slsaV1Statement(), [signer]));
    const pss = toVerificationKey('rsa', signer.publicKeyPem, 'rsa-pss-sha256');
    expect(verifyDsseEnvelope(envelope, [pss]).acceptedKeys).toEqual([]);
  });

  it('does not accept a SHA-256 ECDSA signature from a P-384 key', () => {
    const signer = generateTestKey('p384', 'ecdsa-p384-sha384');
    const envelope = decode(
      signEnvelope(slsaV1Statement(), [
        { ...signer, algorithm: 'ecdsa-p256-sha256' },
      ]),
    );
    expect(verifyDsseEnvelope(envelope, [keyOf(signer)]).acceptedKeys).toEqual(
      [],
    );
  });
});

describe('base64 decoding', () => {
  const bytes = Buffer.from([0xfb, 0xff, 0xbf, 0x00, 0x3e]);

  it.each([
    ['standard, padded', bytes.toString('base64')],
    ['standard, unpadded', bytes.toString('base64').replace(/=+$/, '')],
    ['URL-safe, unpadded', bytes.toString('base64url')],
    ['URL-safe, padded', `${bytes.toString('base64url')}=`],
  ])('accepts %s', (_, text) => {
    expect(decodeBase64Strict(text)).toEqual(bytes);
  });

  it.each([
    ['mixed alphabets', '+_8='],
    ['characters outside base64', 'aGVs bG8='],
    ['non-zero trailing bits', 'aGVsbG8gd29ybGR='],
    ['a lone trailing character', 'aGVsb'],
    ['padding in the middle', 'aG=sbG8='],
    ['too much padding', 'aGVsbG8==='],
  ])('rejects %s', (_, text) => {
    expect(decodeBase64Strict(text)).toBeUndefined();
  });

  it('round-trips any bytes in both alphabets', () => {
    fc.assert(
      fc.property(fc.uint8Array(), data => {
        const buffer = Buffer.from(data);
        expect(decodeBase64Strict(buffer.toString('base64'))).toEqual(buffer);
        expect(decodeBase64Strict(buffer.toString('base64url'))).toEqual(
          buffer,
        );
      }),
    );
  });

  it('gives each byte string exactly one accepted spelling per alphabet', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1 }), fc.nat(), (data, at) => {
        const text = Buffer.from(data).toString('base64url');
        const i = at % text.length;
        const alphabet =
          'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const other = alphabet[(alphabet.indexOf(text[i]) + 1) % 64];
        const changed = decodeBase64Strict(
          text.slice(0, i) + other + text.slice(i + 1),
        );
        expect(changed?.equals(Buffer.from(data)) ?? false).toBe(false);
      }),
    );
  });
});

describe('t-of-n thresholds', () => {
  const a = generateTestKey('a', 'ed25519');
  const b = generateTestKey('b', 'ecdsa-p256-sha256');
  const c = generateTestKey('c', 'ed25519');
  const trusted = [keyOf(a), keyOf(b), keyOf(c)];

  it('counts distinct trusted keys', () => {
    const envelope = decode(signEnvelope(slsaV1Statement(), [a, b]));
    expect(
      verifyDsseEnvelope(envelope, trusted).acceptedKeys.map(k => k.keyId),
    ).toEqual(['a', 'b']);
  });

  it('counts a key that signs twice once', () => {
    const envelope = decode(signEnvelope(slsaV1Statement(), [a, a]));
    expect(verifyDsseEnvelope(envelope, trusted).acceptedKeys).toHaveLength(1);
  });

  it('counts one key configured under two ids once', () => {
    const alias = toVerificationKey('a-alias', a.publicKeyPem);
    const envelope = decode(
      signEnvelope(slsaV1Statement(), [a, { ...a, keyId: 'a-alias' }]),
    );
    expect(
      verifyDsseEnvelope(envelope, [keyOf(a), alias]).acceptedKeys,
    ).toHaveLength(1);
  });

  it('tries every trusted key when the keyid is missing or unknown', () => {
    const noIds = decode(
      signEnvelope(slsaV1Statement(), [a, c], { keyids: false }),
    );
    expect(verifyDsseEnvelope(noIds, trusted).acceptedKeys).toHaveLength(2);
    const unknownId = decode(
      signEnvelope(slsaV1Statement(), [{ ...b, keyId: 'who' }]),
    );
    expect(verifyDsseEnvelope(unknownId, trusted)).toMatchObject({
      unknownKeyIds: ['who'],
    });
    expect(
      verifyDsseEnvelope(unknownId, trusted).acceptedKeys.map(k => k.keyId),
    ).toEqual(['b']);
  });
});

describe('parseDsseEnvelope', () => {
  it.each([
    [null, 'envelope is not a JSON object'],
    [
      { payload: 'e30=', signatures: [{ sig: 'AA==' }] },
      'envelope has no payloadType',
    ],
    [
      { payloadType: 't', signatures: [{ sig: 'AA==' }] },
      'envelope has no payload',
    ],
    [
      { payloadType: 't', payload: 'e30=!', signatures: [{ sig: 'AA==' }] },
      'envelope payload is not valid base64',
    ],
    [
      { payloadType: 't', payload: 'e30=', signatures: [] },
      'envelope has no signatures',
    ],
    [
      { payloadType: 't', payload: 'e30=', signatures: [{ sig: '' }] },
      'signature 0 is not valid base64',
    ],
  ])('rejects %j', (input, reason) => {
    expect(parseDsseEnvelope(input)).toEqual({ ok: false, reason });
  });
});
