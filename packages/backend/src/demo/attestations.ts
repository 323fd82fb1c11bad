import { createPrivateKey, createSign, KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_BUILDER } from './demoServices';

const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
export const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

export type DemoKeys = { trusted: KeyObject; untrusted: KeyObject };

/** The published demo keys under examples/demo-org/keys (see the README there). */
export function loadDemoKeys(keysDir: string): DemoKeys {
  const read = (file: string) => createPrivateKey(fs.readFileSync(path.join(keysDir, file), 'utf8'));
  return {
    trusted: read('demo-release-signer.key.pem'),
    untrusted: read('demo-untrusted-signer.key.pem'),
  };
}

/** DSSE pre-authentication encoding, as the DSSE specification defines it. */
function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `, 'utf8'),
    type,
    Buffer.from(` ${payload.length} `, 'utf8'),
    payload,
  ]);
}

/** A DSSE envelope carrying SLSA v1 provenance for one artifact, signed with `key`. */
export function signedProvenance(options: {
  key: KeyObject;
  keyId: string;
  name: string;
  digest: string;
  repository: string;
  commitSha: string;
  buildId: string;
  tamper?: boolean;
}) {
  const statement = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: options.name, digest: { sha256: options.digest.replace(/^sha256:/, '') } }],
    predicateType: 'https://slsa.dev/provenance/v1',
    predicate: {
      buildDefinition: {
        buildType: 'https://actions.github.io/buildtypes/workflow/v1',
        externalParameters: {
          workflow: {
            ref: 'refs/heads/main',
            repository: `https://${options.repository}`,
            path: '.github/workflows/release.yml',
          },
        },
        resolvedDependencies: [
          {
            uri: `git+https://${options.repository}@refs/heads/main`,
            digest: { gitCommit: options.commitSha },
          },
        ],
      },
      runDetails: {
        builder: { id: DEMO_BUILDER },
        metadata: { invocationId: options.buildId },
      },
    },
  };
  const payload = Buffer.from(JSON.stringify(statement), 'utf8');
  const signer = createSign('sha256');
  signer.update(pae(PAYLOAD_TYPE, payload));
  const sig = signer.sign(options.key);
  // A tampered envelope: the payload changes after signing, as an attacker's edit would.
  const shipped = options.tamper
    ? Buffer.from(payload.toString('utf8').replace(options.commitSha, 'f'.repeat(40)), 'utf8')
    : payload;
  return {
    mediaType: DSSE_MEDIA_TYPE,
    content: {
      payloadType: PAYLOAD_TYPE,
      payload: shipped.toString('base64'),
      signatures: [{ keyid: options.keyId, sig: sig.toString('base64') }],
    },
  };
}
