import { ConfigReader } from '@backstage/config';
import { createHash, generateKeyPairSync } from 'node:crypto';
import {
  effectiveExpectations,
  expectationsFromAnnotations,
  readTrustPolicy,
} from './policy';
import { BUILDER_ID, generateTestKey } from './__testUtils__/fixtures';

const key = generateTestKey('release', 'ecdsa-p256-sha256');
const logKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const logKeyDer = logKey.export({ format: 'der', type: 'spki' });
/** A trust root in the shape of Sigstore's trusted_root.json, one log only. */
const trustedRoot = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [
    {
      baseUrl: 'https://rekor.example',
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes: logKeyDer.toString('base64'),
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: '2021-01-01T00:00:00Z' },
      },
      logId: {
        keyId: createHash('sha256').update(logKeyDer).digest('base64'),
      },
    },
  ],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};
const fileKey = generateTestKey('from-file', 'ed25519');
const files: Record<string, string> = {
  '/etc/greenlight/from-file.pub': fileKey.publicKeyPem,
  '/etc/greenlight/trusted_root.json': JSON.stringify(trustedRoot),
  '/etc/greenlight/empty_root.json': '{"mediaType":"x"}',
};
const readFile = (path: string) => {
  if (!(path in files)) throw new Error(`ENOENT ${path}`);
  return files[path];
};

function read(provenance: object) {
  return readTrustPolicy(new ConfigReader({ greenlight: { provenance } }), {
    baseDir: '/etc/greenlight',
    readFile,
  });
}

describe('readTrustPolicy', () => {
  it('reads a full policy', () => {
    const policy = read({
      threshold: 1,
      requireTransparencyLog: true,
      trustedRootFile: 'trusted_root.json',
      trustedKeys: [
        {
          keyId: 'release',
          publicKeyPem: key.publicKeyPem,
          algorithm: 'ecdsa-p256-sha256',
          builderIds: [BUILDER_ID],
          slsaLevel: 3,
        },
        {
          keyId: 'from-file',
          publicKeyFile: 'from-file.pub',
          builderIds: ['https://ci.example/*'],
          slsaLevel: 2,
        },
      ],
      trustedIdentities: [
        {
          issuer: 'https://token.actions.githubusercontent.com',
          subjectPattern: '/https://github\\.com/acme/.+/',
          builderIds: [BUILDER_ID],
          slsaLevel: 3,
        },
      ],
      defaults: {
        sourceRepository: 'https://github.com/acme/payments',
        allowedBuilderIds: [BUILDER_ID],
        buildTypes: ['https://example.com/build'],
      },
    });
    expect(policy).toEqual({
      trustedKeys: [
        {
          keyId: 'release',
          publicKeyPem: key.publicKeyPem,
          algorithm: 'ecdsa-p256-sha256',
          builderIds: [BUILDER_ID],
          slsaLevel: 3,
        },
        {
          keyId: 'from-file',
          publicKeyPem: fileKey.publicKeyPem,
          builderIds: ['https://ci.example/*'],
          slsaLevel: 2,
        },
      ],
      trustedIdentities: [
        {
          issuer: 'https://token.actions.githubusercontent.com',
          subjectPattern: '/https://github\\.com/acme/.+/',
          builderIds: [BUILDER_ID],
          slsaLevel: 3,
        },
      ],
      trustedRoot,
      threshold: 1,
      requireTransparencyLog: true,
      defaults: {
        sourceRepository: 'https://github.com/acme/payments',
        allowedBuilderIds: [BUILDER_ID],
        buildTypes: ['https://example.com/build'],
      },
    });
  });

  it('reads the source repositories and refs an identity pins, and leaves them out when unset', () => {
    const identity = {
      issuer: 'https://token.actions.githubusercontent.com',
      subjectPattern: 'https://github.com/acme/*/.github/workflows/*.yml@*',
      builderIds: [BUILDER_ID],
      slsaLevel: 3,
    };
    const policy = read({
      trustedIdentities: [
        {
          ...identity,
          sourceRepositories: ['https://github.com/acme/*'],
          sourceRefs: ['refs/heads/main'],
        },
        identity,
      ],
    });
    expect(policy.trustedIdentities).toEqual([
      {
        ...identity,
        sourceRepositories: ['https://github.com/acme/*'],
        sourceRefs: ['refs/heads/main'],
      },
      identity,
    ]);
    expect(() =>
      read({
        trustedIdentities: [{ ...identity, sourceRepositories: ['/(/'] }],
      }),
    ).toThrow(/Invalid regular expression/);
  });

  it('defaults to an empty policy that trusts nothing', () => {
    expect(readTrustPolicy(new ConfigReader({}))).toEqual({
      trustedKeys: [],
      trustedIdentities: [],
      trustedRoot: undefined,
      threshold: 1,
      requireTransparencyLog: false,
      defaults: {
        sourceRepository: undefined,
        allowedBuilderIds: undefined,
        buildTypes: undefined,
      },
    });
  });

  const entry = (overrides: object) => ({
    keyId: 'release',
    publicKeyPem: key.publicKeyPem,
    builderIds: [BUILDER_ID],
    slsaLevel: 3,
    ...overrides,
  });
  const privatePem = generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'pem', type: 'pkcs8' })
    .toString();
  const weakRsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .publicKey.export({ format: 'pem', type: 'spki' })
    .toString();

  it.each([
    [
      'a private key',
      { trustedKeys: [entry({ publicKeyPem: privatePem })] },
      /PEM encoded SPKI public key/,
    ],
    [
      'a short RSA key',
      { trustedKeys: [entry({ publicKeyPem: weakRsa })] },
      /cannot be used with rsa-pkcs1v15-sha256/,
    ],
    [
      'an algorithm that does not fit the key',
      { trustedKeys: [entry({ algorithm: 'ed25519' })] },
      /cannot be used with ed25519/,
    ],
    [
      'an unknown algorithm',
      { trustedKeys: [entry({ algorithm: 'hmac' })] },
      /unknown algorithm hmac/,
    ],
    [
      'both PEM and file',
      { trustedKeys: [entry({ publicKeyFile: 'from-file.pub' })] },
      /exactly one of/,
    ],
    [
      'a duplicate key id',
      { trustedKeys: [entry({}), entry({})] },
      /configured twice/,
    ],
    [
      'a level above 4',
      { trustedKeys: [entry({ slsaLevel: 5 })] },
      /slsaLevel 5/,
    ],
    ['a zero threshold', { threshold: 0 }, /threshold must be an integer/],
    [
      'a missing key file',
      {
        trustedKeys: [
          entry({ publicKeyPem: undefined, publicKeyFile: 'nope.pub' }),
        ],
      },
      /ENOENT/,
    ],
  ])('refuses %s', (_, provenance, error) => {
    expect(() => read(provenance)).toThrow(error);
  });
});

describe('expectations', () => {
  it('reads the entity annotations', () => {
    expect(
      expectationsFromAnnotations({
        'greenlight.dev/expected-source': ' https://github.com/acme/payments ',
        'greenlight.dev/allowed-builders':
          'https://a.example/b, https://c.example/d,',
      }),
    ).toEqual({
      sourceRepository: 'https://github.com/acme/payments',
      allowedBuilderIds: ['https://a.example/b', 'https://c.example/d'],
    });
    expect(expectationsFromAnnotations(undefined)).toEqual({});
    expect(
      expectationsFromAnnotations({ 'greenlight.dev/allowed-builders': ' , ' }),
    ).toEqual({});
  });

  it('lets the entity override the policy defaults field by field', () => {
    const policy = read({
      defaults: {
        sourceRepository: 'https://github.com/acme/default',
        buildTypes: ['t'],
      },
    });
    expect(
      effectiveExpectations(policy, {
        sourceRepository: 'https://github.com/acme/x',
      }),
    ).toEqual({
      sourceRepository: 'https://github.com/acme/x',
      allowedBuilderIds: undefined,
      buildTypes: ['t'],
    });
  });
});
