import {
  createHash,
  generateKeyPairSync,
  KeyObject,
  sign,
  webcrypto,
} from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { json, X509Certificate as SigstoreCertificate } from '@sigstore/core';
import { preAuthEncoding } from '../dsse';
import { FULCIO_OIDS } from '../fulcio-extensions';
import { IN_TOTO } from './fixtures';

/**
 * A Sigstore instance made in the test: a Fulcio-shaped CA (root and
 * intermediate), a CT log that signs SCTs and a Rekor log that signs entry
 * timestamps and checkpoints, all ECDSA P-256 keys generated here. Its
 * `trustedRoot` is a TrustedRoot JSON holding exactly these, so bundles it
 * issues pass the production verifier with the production thresholds (one
 * SCT, one log entry, one timestamp) and nothing else does.
 */
export interface TestSigstore {
  trustedRoot: object;
  /** Signs a statement as a keyless GitHub Actions workflow would. */
  signKeyless(statement: unknown, signer: KeylessSigner): Promise<object>;
}

/** What Fulcio would write into the leaf certificate from the OIDC token. */
export interface KeylessSigner {
  issuer: string;
  /** Subject alternative name: the workflow identity. */
  subject: string;
  sourceRepository?: string;
  sourceRef?: string;
  sourceDigest?: string;
  buildSignerUri?: string;
}

export const GITHUB_ISSUER = 'https://token.actions.githubusercontent.com';

/** The signer Fulcio certifies for `release.yml` on `main` of a GitHub repository. */
export function githubWorkflowSigner(
  repository: string,
  commit: string,
  overrides: Partial<KeylessSigner> = {},
): KeylessSigner {
  const workflow = `${repository}/.github/workflows/release.yml@refs/heads/main`;
  return {
    issuer: GITHUB_ISSUER,
    subject: workflow,
    sourceRepository: repository,
    sourceRef: 'refs/heads/main',
    sourceDigest: commit,
    buildSignerUri: workflow,
    ...overrides,
  };
}

const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
const REKOR_URL = 'https://rekor.greenlight.test';
const OID_ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';
const OID_SCT_LIST = '1.3.6.1.4.1.11129.2.4.2';
const OID_CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

x509.cryptoProvider.set(globalThis.crypto);

export async function createTestSigstore(now: Date): Promise<TestSigstore> {
  const start = wholeSeconds(new Date(now.getTime() - 24 * 3600_000));
  const end = wholeSeconds(new Date(now.getTime() + 24 * 3600_000));
  const rootKeys = await generateCaKeys();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'O=greenlight-test, CN=greenlight test root',
    notBefore: start,
    notAfter: end,
    keys: rootKeys,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey),
    ],
  });
  const intermediateKeys = await generateCaKeys();
  const intermediate = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: 'O=greenlight-test, CN=greenlight test intermediate',
    issuer: root.subject,
    notBefore: start,
    notAfter: end,
    publicKey: intermediateKeys.publicKey,
    signingKey: rootKeys.privateKey,
    signingAlgorithm: ECDSA,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true),
      new x509.ExtendedKeyUsageExtension([OID_CODE_SIGNING]),
      await x509.SubjectKeyIdentifierExtension.create(
        intermediateKeys.publicKey,
      ),
      await x509.AuthorityKeyIdentifierExtension.create(root),
    ],
  });
  const ctLog = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const rekor = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const validFor = { start: start.toISOString() };

  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: REKOR_URL,
        hashAlgorithm: 'SHA2_256',
        publicKey: publicKeyJson(rekor.publicKey, validFor),
        logId: { keyId: logId(rekor.publicKey).toString('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'greenlight-test', commonName: 'fulcio' },
        uri: 'https://fulcio.greenlight.test',
        certChain: {
          certificates: [intermediate, root].map(cert => ({
            rawBytes: Buffer.from(cert.rawData).toString('base64'),
          })),
        },
        validFor,
      },
    ],
    ctlogs: [
      {
        baseUrl: 'https://ctfe.greenlight.test',
        hashAlgorithm: 'SHA2_256',
        publicKey: publicKeyJson(ctLog.publicKey, validFor),
        logId: { keyId: logId(ctLog.publicKey).toString('base64') },
      },
    ],
    timestampAuthorities: [],
  };

  let serial = 0x1000;
  return {
    trustedRoot,
    async signKeyless(statement, signer) {
      const leafKeys = await generateCaKeys();
      const leaf = await issueLeaf({
        serialNumber: (serial++).toString(16),
        signer,
        publicKey: leafKeys.publicKey,
        intermediate,
        intermediateKey: intermediateKeys.privateKey,
        notBefore: wholeSeconds(new Date(now.getTime() - 60_000)),
        notAfter: wholeSeconds(new Date(now.getTime() + 9 * 60_000)),
        ctLog: ctLog.privateKey,
        ctLogId: logId(ctLog.publicKey),
        sctTime: now,
      });
      const payload = Buffer.from(JSON.stringify(statement));
      const signature = sign(
        'sha256',
        preAuthEncoding(IN_TOTO, payload),
        KeyObject.from(leafKeys.privateKey as webcrypto.CryptoKey),
      );
      const envelope = {
        payload: payload.toString('base64'),
        payloadType: IN_TOTO,
        signatures: [{ sig: signature.toString('base64'), keyid: '' }],
      };
      return {
        mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
        verificationMaterial: {
          certificate: { rawBytes: leaf.toString('base64') },
          tlogEntries: [
            rekorEntry({
              rekor: rekor.privateKey,
              rekorId: logId(rekor.publicKey),
              payload,
              signature,
              certificate: leaf,
              integratedTime: Math.floor(now.getTime() / 1000),
            }),
          ],
          timestampVerificationData: { rfc3161Timestamps: [] },
        },
        dsseEnvelope: envelope,
      };
    },
  };
}

interface LeafRequest {
  serialNumber: string;
  signer: KeylessSigner;
  publicKey: CryptoKey;
  intermediate: x509.X509Certificate;
  intermediateKey: CryptoKey;
  notBefore: Date;
  notAfter: Date;
  ctLog: KeyObject;
  ctLogId: Buffer;
  sctTime: Date;
}

/**
 * Issues the leaf as Fulcio does: the CT log signs the precertificate (the
 * TBS without the SCT list), then the SCT list is embedded in the final
 * certificate, whose TBS differs from the precertificate's only by it.
 */
async function issueLeaf(request: LeafRequest): Promise<Buffer> {
  const { signer } = request;
  const fulcioExtensions: Array<[string, string | undefined]> = [
    [OID_ISSUER_V2, signer.issuer],
    [FULCIO_OIDS.buildSignerUri, signer.buildSignerUri],
    [FULCIO_OIDS.sourceRepositoryUri, signer.sourceRepository],
    [FULCIO_OIDS.sourceRepositoryDigest, signer.sourceDigest],
    [FULCIO_OIDS.sourceRepositoryRef, signer.sourceRef],
  ];
  const extensions: x509.Extension[] = [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([OID_CODE_SIGNING]),
    await x509.SubjectKeyIdentifierExtension.create(request.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(request.intermediate),
    new x509.SubjectAlternativeNameExtension(
      [{ type: 'url', value: signer.subject }],
      true,
    ),
    ...fulcioExtensions.flatMap(([oid, value]) =>
      value === undefined
        ? []
        : [new x509.Extension(oid, false, der(0x0c, Buffer.from(value)))],
    ),
  ];
  const create = (withExtensions: x509.Extension[]) =>
    x509.X509CertificateGenerator.create({
      serialNumber: request.serialNumber,
      subject: '',
      issuer: request.intermediate.subject,
      notBefore: request.notBefore,
      notAfter: request.notAfter,
      publicKey: request.publicKey,
      signingKey: request.intermediateKey,
      signingAlgorithm: ECDSA,
      extensions: withExtensions,
    });
  const precertificate = await create(extensions);
  const tbs = SigstoreCertificate.parse(
    Buffer.from(precertificate.rawData),
  ).tbsCertificate.toDER();
  const sctList = signedCertificateTimestampList({
    tbs,
    issuerSpki: Buffer.from(request.intermediate.publicKey.rawData),
    log: request.ctLog,
    logId: request.ctLogId,
    time: request.sctTime,
  });
  const leaf = await create([
    ...extensions,
    new x509.Extension(OID_SCT_LIST, false, der(0x04, sctList)),
  ]);
  return Buffer.from(leaf.rawData);
}

/** RFC 6962 §3.2–3.3: one SCT over a precertificate entry, as a TLS list. */
function signedCertificateTimestampList(request: {
  tbs: Buffer;
  issuerSpki: Buffer;
  log: KeyObject;
  logId: Buffer;
  time: Date;
}): Buffer {
  const timestamp = Buffer.alloc(8);
  timestamp.writeBigUInt64BE(BigInt(request.time.getTime()));
  const noExtensions = uint(0, 2);
  const signed = Buffer.concat([
    Buffer.from([0, 0]), // v1, certificate_timestamp
    timestamp,
    uint(1, 2), // precert_entry
    createHash('sha256').update(request.issuerSpki).digest(),
    uint(request.tbs.length, 3),
    request.tbs,
    noExtensions,
  ]);
  const signature = sign('sha256', signed, request.log);
  const sct = Buffer.concat([
    Buffer.from([0]),
    request.logId,
    timestamp,
    noExtensions,
    Buffer.from([4, 3]), // sha256, ecdsa
    uint(signature.length, 2),
    signature,
  ]);
  const entry = Buffer.concat([uint(sct.length, 2), sct]);
  return Buffer.concat([uint(entry.length, 2), entry]);
}

/**
 * A Rekor `dsse` v0.0.1 entry at index 0 of a one-leaf log, with both kinds
 * of evidence the verifier accepts: a signed entry timestamp (its integrated
 * time is the signing time the certificate is checked at) and an inclusion
 * proof against a checkpoint the log signed.
 */
function rekorEntry(request: {
  rekor: KeyObject;
  rekorId: Buffer;
  payload: Buffer;
  signature: Buffer;
  certificate: Buffer;
  integratedTime: number;
}) {
  const body = Buffer.from(
    json.canonicalize({
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        payloadHash: {
          algorithm: 'sha256',
          value: createHash('sha256').update(request.payload).digest('hex'),
        },
        signatures: [
          {
            signature: request.signature.toString('base64'),
            verifier: Buffer.from(pem(request.certificate)).toString('base64'),
          },
        ],
      },
    }),
  );
  const entryTimestamp = sign(
    'sha256',
    Buffer.from(
      json.canonicalize({
        body: body.toString('base64'),
        integratedTime: request.integratedTime,
        logID: request.rekorId.toString('hex'),
        logIndex: 0,
      }),
    ),
    request.rekor,
  );
  const rootHash = createHash('sha256')
    .update(Buffer.concat([Buffer.from([0]), body]))
    .digest();
  const origin = new URL(REKOR_URL).host;
  const note = `${origin}\n1\n${rootHash.toString('base64')}\n`;
  const noteSignature = Buffer.concat([
    request.rekorId.subarray(0, 4),
    sign('sha256', Buffer.from(note), request.rekor),
  ]);
  return {
    logIndex: '0',
    logId: { keyId: request.rekorId.toString('base64') },
    kindVersion: { kind: 'dsse', version: '0.0.1' },
    integratedTime: String(request.integratedTime),
    inclusionPromise: {
      signedEntryTimestamp: entryTimestamp.toString('base64'),
    },
    inclusionProof: {
      logIndex: '0',
      rootHash: rootHash.toString('base64'),
      treeSize: '1',
      hashes: [],
      checkpoint: {
        envelope: `${note}\n\u2014 ${origin} ${noteSignature.toString(
          'base64',
        )}\n`,
      },
    },
    canonicalizedBody: body.toString('base64'),
  };
}

// The global WebCrypto types are the ones @peculiar/x509 is typed against.
function generateCaKeys(): Promise<CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(ECDSA, true, [
    'sign',
    'verify',
  ]) as Promise<CryptoKeyPair>;
}

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

function logId(key: KeyObject): Buffer {
  return createHash('sha256').update(spki(key)).digest();
}

function publicKeyJson(key: KeyObject, validFor: { start: string }) {
  return {
    rawBytes: spki(key).toString('base64'),
    keyDetails: 'PKIX_ECDSA_P256_SHA_256',
    validFor,
  };
}

function pem(certificate: Buffer): string {
  const lines = certificate.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join(
    '\n',
  )}\n-----END CERTIFICATE-----\n`;
}

/** A DER TLV with a definite length. */
function der(tag: number, content: Buffer): Buffer {
  const length =
    content.length < 0x80
      ? Buffer.from([content.length])
      : Buffer.concat([
          Buffer.from([0x82]),
          uint(content.length, 2), // test values stay below 64 KiB
        ]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

function uint(value: number, bytes: number): Buffer {
  const out = Buffer.alloc(bytes);
  out.writeUIntBE(value, 0, bytes);
  return out;
}

function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}
