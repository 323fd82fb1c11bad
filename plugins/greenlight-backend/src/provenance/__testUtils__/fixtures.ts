import {
  constants,
  createHash,
  generateKeyPairSync,
  KeyObject,
  sign,
} from 'node:crypto';
import { preAuthEncoding } from '../dsse';
import type { SignatureAlgorithm } from '../keys';
import type { SlsaLevel, TrustedKey, TrustPolicy } from '../policy';

export const ARTIFACT = Buffer.from('greenlight example artifact');
export const ARTIFACT_HEX = createHash('sha256').update(ARTIFACT).digest('hex');
export const ARTIFACT_DIGEST = `sha256:${ARTIFACT_HEX}`;
export const OTHER_DIGEST_HEX = createHash('sha256')
  .update('some other artifact')
  .digest('hex');

export const BUILDER_ID =
  'https://github.com/slsa-framework/slsa-github-generator/.github/workflows/generator_generic_slsa3.yml@refs/tags/v2.0.0';
export const BUILD_TYPE =
  'https://slsa-framework.github.io/github-actions-buildtypes/workflow/v1';
export const REPOSITORY = 'https://github.com/acme/payments';
export const COMMIT = '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567';
export const NOW = new Date('2025-06-01T12:00:00Z');

export interface TestKey {
  keyId: string;
  algorithm: SignatureAlgorithm;
  privateKey: KeyObject;
  publicKeyPem: string;
  /** For ECDSA: which signature encoding to emit. */
  ecdsaEncoding?: 'der' | 'ieee-p1363';
}

export function generateTestKey(
  keyId: string,
  algorithm: SignatureAlgorithm,
  ecdsaEncoding?: 'der' | 'ieee-p1363',
): TestKey {
  let pair;
  switch (algorithm) {
    case 'ecdsa-p256-sha256':
      pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      break;
    case 'ecdsa-p384-sha384':
      pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
      break;
    case 'ed25519':
      pair = generateKeyPairSync('ed25519');
      break;
    default:
      pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
      break;
  }
  return {
    keyId,
    algorithm,
    privateKey: pair.privateKey,
    publicKeyPem: pair.publicKey.export({
      format: 'pem',
      type: 'spki',
    }) as string,
    ecdsaEncoding,
  };
}

export function signWith(key: TestKey, data: Buffer): Buffer {
  switch (key.algorithm) {
    case 'ecdsa-p256-sha256':
    case 'ecdsa-p384-sha384':
      return sign(
        key.algorithm === 'ecdsa-p256-sha256' ? 'sha256' : 'sha384',
        data,
        { key: key.privateKey, dsaEncoding: key.ecdsaEncoding ?? 'der' },
      );
    case 'ed25519':
      return sign(null, data, key.privateKey);
    case 'rsa-pss-sha256':
      return sign('sha256', data, {
        key: key.privateKey,
        padding: constants.RSA_PKCS1_PSS_PADDING,
        saltLength: 32,
      });
    default:
      return sign('sha256', data, {
        key: key.privateKey,
        padding: constants.RSA_PKCS1_PADDING,
      });
  }
}

export interface StatementOptions {
  digestHex?: string;
  builderId?: string;
  buildType?: string;
  repository?: string;
  commit?: string;
  /** The git ref the workflow ran on; `refs/heads/main` unless set. */
  ref?: string;
}

export function slsaV1Statement(options: StatementOptions = {}) {
  const repository = options.repository ?? REPOSITORY;
  const ref = options.ref ?? 'refs/heads/main';
  return {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [
      {
        name: 'payments.tgz',
        digest: { sha256: options.digestHex ?? ARTIFACT_HEX },
      },
    ],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: options.buildType ?? BUILD_TYPE,
        externalParameters: {
          workflow: {
            ref,
            repository,
            path: '.github/workflows/release.yml',
          },
        },
        internalParameters: { github: { event_name: 'push' } },
        resolvedDependencies: [
          {
            uri: `git+${repository}@${ref}`,
            digest: { gitCommit: options.commit ?? COMMIT },
          },
        ],
      },
      runDetails: {
        builder: { id: options.builderId ?? BUILDER_ID },
        metadata: {
          invocationId: `${repository}/actions/runs/42/attempts/1`,
          startedOn: '2025-06-01T11:00:00Z',
          finishedOn: '2025-06-01T11:05:00Z',
        },
      },
    },
  };
}

export const IN_TOTO = 'application/vnd.in-toto+json';

export interface EnvelopeJson {
  payloadType: string;
  payload: string;
  signatures: Array<{ keyid?: string; sig: string }>;
}

export function signEnvelope(
  statement: unknown,
  signers: TestKey[],
  options: { payloadType?: string; keyids?: boolean } = {},
): EnvelopeJson {
  const payloadType = options.payloadType ?? IN_TOTO;
  const payload = Buffer.from(JSON.stringify(statement));
  const pae = preAuthEncoding(payloadType, payload);
  return {
    payloadType,
    payload: payload.toString('base64'),
    signatures: signers.map(key => ({
      ...(options.keyids === false ? {} : { keyid: key.keyId }),
      sig: signWith(key, pae).toString('base64'),
    })),
  };
}

export function trustedKey(
  key: TestKey,
  overrides: Partial<TrustedKey> = {},
): TrustedKey {
  return {
    keyId: key.keyId,
    publicKeyPem: key.publicKeyPem,
    algorithm: key.algorithm,
    builderIds: [BUILDER_ID],
    slsaLevel: 3 as SlsaLevel,
    ...overrides,
  };
}

export function policyWith(
  keys: TrustedKey[],
  overrides: Partial<TrustPolicy> = {},
): TrustPolicy {
  return {
    trustedKeys: keys,
    trustedIdentities: [],
    threshold: 1,
    requireTransparencyLog: false,
    defaults: {},
    ...overrides,
  };
}
