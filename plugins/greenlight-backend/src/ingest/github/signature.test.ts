import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { verifyGithubSignature } from './signature';

const SECRET = "It's a Secret to Everybody";
const BODY = Buffer.from('Hello, World!');
// The example from GitHub's "Validating webhook deliveries" documentation.
const GITHUB_EXAMPLE =
  'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';

const sign = (body: Buffer, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

describe('verifyGithubSignature', () => {
  it("accepts GitHub's documented example", () => {
    expect(verifyGithubSignature(BODY, GITHUB_EXAMPLE, SECRET)).toBe(true);
  });

  it('accepts upper-case hex and a single-valued header array', () => {
    expect(
      verifyGithubSignature(
        BODY,
        GITHUB_EXAMPLE.toUpperCase().replace('SHA256', 'sha256'),
        SECRET,
      ),
    ).toBe(true);
    expect(verifyGithubSignature(BODY, [GITHUB_EXAMPLE], SECRET)).toBe(true);
  });

  it('rejects a signature made with another secret', () => {
    expect(
      verifyGithubSignature(BODY, sign(BODY, 'another secret'), SECRET),
    ).toBe(false);
  });

  it('rejects a signature of another body', () => {
    expect(
      verifyGithubSignature(
        Buffer.from('Hello, World?'),
        GITHUB_EXAMPLE,
        SECRET,
      ),
    ).toBe(false);
  });

  it.each([undefined, null, '', []])(
    'rejects a missing header (%p)',
    header => {
      expect(verifyGithubSignature(BODY, header, SECRET)).toBe(false);
    },
  );

  it.each([
    ['too short', 'sha256=757107ea0eb2509f'],
    ['too long', `${GITHUB_EXAMPLE}00`],
    ['without prefix', GITHUB_EXAMPLE.slice('sha256='.length)],
    ['with the SHA-1 prefix', GITHUB_EXAMPLE.replace('sha256', 'sha1')],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('rejects a signature %s without throwing', (_label, header) => {
    expect(verifyGithubSignature(BODY, header, SECRET)).toBe(false);
  });

  it('rejects repeated headers', () => {
    expect(
      verifyGithubSignature(BODY, [GITHUB_EXAMPLE, GITHUB_EXAMPLE], SECRET),
    ).toBe(false);
  });

  it('rejects everything when no secret is configured', () => {
    expect(verifyGithubSignature(BODY, sign(BODY, ''), '')).toBe(false);
  });

  it('accepts its own signatures and rejects any altered byte', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 256 }),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        (bytes, at, flip) => {
          const body = Buffer.from(bytes);
          const signature = sign(body);
          expect(verifyGithubSignature(body, signature, SECRET)).toBe(true);
          const altered = Buffer.from(body);
          altered[at % altered.length] ^= flip;
          expect(verifyGithubSignature(altered, signature, SECRET)).toBe(false);
        },
      ),
    );
  });
});
