import { verifyAttestation } from './verify';
import type { Verdict } from './verdict';
import type { TrustPolicy } from './policy';
import {
  ARTIFACT_DIGEST,
  ARTIFACT_HEX,
  EnvelopeJson,
  generateTestKey,
  NOW,
  OTHER_DIGEST_HEX,
  policyWith,
  signEnvelope,
  slsaV1Statement,
  trustedKey,
} from './__testUtils__/fixtures';
import {
  KEYLESS_ISSUER,
  KEYLESS_SUBJECT,
  KEYLESS_SUBJECT_DIGEST,
  keylessBundle,
  publicGoodTrustedRoot,
} from './__testUtils__/conformance';

const DSSE = 'application/vnd.dsse.envelope.v1+json';
const BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const release = generateTestKey('release', 'ecdsa-p256-sha256');
const other = generateTestKey('other', 'ed25519');
const untrusted = generateTestKey('release', 'ecdsa-p256-sha256');
const policy = policyWith([trustedKey(release), trustedKey(other)]);

const statement = slsaV1Statement();
const original = signEnvelope(statement, [release]);
// The raw-text corpus flips every byte of the serialized envelope; the keyid
// is an unauthenticated hint by design, so that envelope carries none.
const originalWithoutKeyid = signEnvelope(statement, [release], {
  keyids: false,
});

const keylessPolicy = policyWith([], {
  trustedRoot: publicGoodTrustedRoot(),
  trustedIdentities: [
    {
      issuer: KEYLESS_ISSUER,
      subjectPattern: KEYLESS_SUBJECT,
      builderIds: ['**'],
      slsaLevel: 3,
    },
  ],
});
const KEYLESS_BASELINE =
  'unsupported predicate type https://example.com/predicate/v1';

interface Mutation {
  name: string;
  mediaType: string;
  content: string | object;
  policy?: TrustPolicy;
  artifactDigest?: string;
  /** A reason only the untampered attestation may reach. */
  baseline?: string;
}

function flip(bytes: Buffer, index: number, mask: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[index] ^= mask;
  return copy;
}

function withPayload(payload: Buffer): EnvelopeJson {
  return { ...original, payload: payload.toString('base64') };
}

function withSignature(sig: Buffer): EnvelopeJson {
  return {
    ...original,
    signatures: [{ keyid: 'release', sig: sig.toString('base64') }],
  };
}

function bundleOf(envelope: EnvelopeJson) {
  return {
    mediaType: BUNDLE,
    verificationMaterial: { publicKey: { hint: 'release' }, tlogEntries: [] },
    dsseEnvelope: {
      payload: envelope.payload,
      payloadType: envelope.payloadType,
      signatures: [{ sig: envelope.signatures[0].sig, keyid: '' }],
    },
  };
}

function buildCorpus(): Mutation[] {
  const corpus: Mutation[] = [];
  const add = (name: string, content: string | object, extra = {}) =>
    corpus.push({ name, mediaType: DSSE, content, ...extra });

  const payload = Buffer.from(original.payload, 'base64');
  const sig = Buffer.from(original.signatures[0].sig, 'base64');
  for (let i = 0; i < payload.length; i++) {
    for (const mask of [0x01, 0x80]) {
      add(`payload byte ${i} ^ ${mask}`, withPayload(flip(payload, i, mask)));
    }
  }
  for (let i = 0; i < sig.length; i++) {
    for (const mask of [0x01, 0x80]) {
      add(`signature byte ${i} ^ ${mask}`, withSignature(flip(sig, i, mask)));
    }
  }
  const type = Buffer.from(original.payloadType);
  for (let i = 0; i < type.length; i++) {
    add(`payloadType byte ${i}`, {
      ...original,
      payloadType: flip(type, i, 0x01).toString('latin1'),
    });
  }

  const text = Buffer.from(JSON.stringify(originalWithoutKeyid));
  for (let i = 0; i < text.length; i++) {
    add(`envelope text byte ${i}`, flip(text, i, 0x01).toString('latin1'));
  }

  // Same bytes spelled differently would be a second accepted encoding.
  const alphabet =
    'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  for (const [field, value] of [
    ['payload', original.payload],
    ['sig', original.signatures[0].sig],
  ] as const) {
    for (let i = 0; i < value.length; i++) {
      if (value[i] === '=') continue;
      const swapped = alphabet[(alphabet.indexOf(value[i]) + 1) % 64];
      const changed = value.slice(0, i) + swapped + value.slice(i + 1);
      add(
        `${field} base64 character ${i}`,
        field === 'payload'
          ? { ...original, payload: changed }
          : { ...original, signatures: [{ keyid: 'release', sig: changed }] },
      );
    }
  }

  for (let i = 0; i < ARTIFACT_HEX.length; i++) {
    const hex = ARTIFACT_HEX.split('');
    hex[i] = hex[i] === '0' ? '1' : '0';
    const edited = slsaV1Statement({ digestHex: hex.join('') });
    add(`subject digest char ${i}, original signature`, {
      ...original,
      payload: Buffer.from(JSON.stringify(edited)).toString('base64'),
    });
    add(`subject digest char ${i}, re-signed`, signEnvelope(edited, [release]));
  }

  add(
    'statement for another digest',
    signEnvelope(slsaV1Statement({ digestHex: OTHER_DIGEST_HEX }), [release]),
  );
  add(
    'signed by an untrusted key using a trusted keyid',
    signEnvelope(statement, [untrusted]),
  );
  add('signed by release, claiming to be other', {
    ...original,
    signatures: [{ keyid: 'other', sig: original.signatures[0].sig }],
  });
  add('trusted key ids with swapped public keys', original, {
    policy: policyWith([
      trustedKey(release, {
        publicKeyPem: untrusted.publicKeyPem,
      }),
      trustedKey(other),
    ]),
  });
  add('signature transplanted from another statement', {
    ...original,
    signatures: signEnvelope(slsaV1Statement({ commit: 'f'.repeat(40) }), [
      release,
    ]).signatures,
  });
  add('no signatures', { ...original, signatures: [] });
  add(
    'payload with a trailing newline',
    withPayload(Buffer.concat([payload, Buffer.from('\n')])),
  );
  add('payload truncated by one byte', withPayload(payload.subarray(0, -1)));
  add('payload type with a trailing space', {
    ...original,
    payloadType: `${original.payloadType} `,
  });
  add('unsigned statement as the envelope', JSON.stringify(statement));

  for (let i = 0; i < payload.length; i++) {
    corpus.push({
      name: `bundle payload byte ${i}`,
      mediaType: BUNDLE,
      content: bundleOf(withPayload(flip(payload, i, 0x01))),
    });
  }
  for (let i = 0; i < sig.length; i++) {
    corpus.push({
      name: `bundle signature byte ${i}`,
      mediaType: BUNDLE,
      content: bundleOf(withSignature(flip(sig, i, 0x01))),
    });
  }
  const keyless = keylessBundle();
  for (const field of ['payload', 'sig'] as const) {
    const bytes = Buffer.from(
      field === 'payload'
        ? keyless.dsseEnvelope.payload
        : keyless.dsseEnvelope.signatures[0].sig,
      'base64',
    );
    for (let i = 0; i < bytes.length; i++) {
      const bundle = keylessBundle();
      const flipped = flip(bytes, i, 0x01).toString('base64');
      if (field === 'payload') {
        bundle.dsseEnvelope.payload = flipped;
      } else {
        bundle.dsseEnvelope.signatures[0].sig = flipped;
      }
      corpus.push({
        name: `keyless bundle ${field} byte ${i}`,
        mediaType: BUNDLE,
        content: bundle,
        policy: keylessPolicy,
        artifactDigest: KEYLESS_SUBJECT_DIGEST,
        // The genuine statement is not SLSA: every mutation must end earlier.
        baseline: KEYLESS_BASELINE,
      });
    }
  }
  return corpus;
}

function run(
  mutation: Pick<
    Mutation,
    'mediaType' | 'content' | 'policy' | 'artifactDigest'
  >,
): Verdict {
  return verifyAttestation({
    attestation: { mediaType: mutation.mediaType, content: mutation.content },
    artifactDigest: mutation.artifactDigest ?? ARTIFACT_DIGEST,
    policy: mutation.policy ?? policy,
    now: NOW,
  });
}

const corpus = buildCorpus();

describe('tamper corpus', () => {
  it('starts from attestations that pass every check', () => {
    expect(run({ mediaType: DSSE, content: original }).status).toBe('verified');
    expect(run({ mediaType: DSSE, content: originalWithoutKeyid }).status).toBe(
      'verified',
    );
    expect(run({ mediaType: BUNDLE, content: bundleOf(original) }).status).toBe(
      'verified',
    );
    expect(
      run({
        mediaType: BUNDLE,
        content: keylessBundle(),
        policy: keylessPolicy,
        artifactDigest: KEYLESS_SUBJECT_DIGEST,
      }),
    ).toEqual({ status: 'unverifiable', reason: KEYLESS_BASELINE });
  });

  it(`detects all ${corpus.length} mutations`, () => {
    const escaped = corpus.filter(mutation => {
      const verdict = run(mutation);
      return (
        verdict.status === 'verified' ||
        (mutation.baseline !== undefined &&
          verdict.reason === mutation.baseline)
      );
    });
    expect(escaped.map(mutation => mutation.name)).toEqual([]);
    expect(corpus.length).toBeGreaterThan(4000);
  }, 120_000);

  it('still verifies a URL-safe, unpadded re-encoding of the same bytes', () => {
    const urlSafe = {
      ...original,
      payload: Buffer.from(original.payload, 'base64').toString('base64url'),
      signatures: [
        {
          keyid: 'release',
          sig: Buffer.from(original.signatures[0].sig, 'base64').toString(
            'base64url',
          ),
        },
      ],
    };
    expect(run({ mediaType: DSSE, content: urlSafe }).status).toBe('verified');
  });

  it('treats the keyid as a hint only, as the DSSE protocol requires', () => {
    const renamed = {
      ...original,
      signatures: [{ keyid: 'renamed', sig: original.signatures[0].sig }],
    };
    expect(run({ mediaType: DSSE, content: renamed })).toMatchObject({
      status: 'verified',
      keyId: 'release',
    });
  });
});
