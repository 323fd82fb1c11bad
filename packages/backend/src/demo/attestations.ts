import { createPrivateKey, createSign, KeyObject } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { DEMO_BUILDER, DEMO_REPOSITORY, DEMO_SERVICES, DemoSigning } from './demoServices';

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

/** How the demo signs a service's artifacts (DEMO_SERVICES); a service it does not list ships unsigned. */
export function demoSigningOf(service: string): DemoSigning {
  return DEMO_SERVICES.find(s => s.name === service)?.signing ?? 'none';
}

/**
 * The attestations a demo service's pipeline ships with one of its artifacts, signed the way
 * DEMO_SERVICES says for that service, so its seeded history, its live canaries and the
 * browser tests' data all get the same verdict: none for `none`, the release signer's
 * provenance for `trusted`, a key no one trusts for `untrusted`, an edited payload for
 * `tampered`.
 */
export function demoAttestations(
  service: string,
  artifact: { name: string; digest: string; repository?: string; commitSha?: string; buildId?: string },
  keys: DemoKeys,
): ReturnType<typeof signedProvenance>[] {
  const mode = demoSigningOf(service);
  if (mode === 'none') return [];
  return [
    signedProvenance({
      key: mode === 'untrusted' ? keys.untrusted : keys.trusted,
      keyId: mode === 'untrusted' ? 'unknown-signer' : 'demo-release-signer',
      name: artifact.name,
      digest: artifact.digest,
      repository: artifact.repository ?? DEMO_REPOSITORY(artifact.name),
      commitSha: artifact.commitSha ?? '0'.repeat(40),
      buildId: artifact.buildId ?? artifact.digest,
      tamper: mode === 'tampered',
    }),
  ];
}

/** The events with the demo's attestations (see demoAttestations) on every artifact event. */
export function withDemoAttestations(events: GreenlightEvent[], keys: DemoKeys): GreenlightEvent[] {
  return events.map(event => {
    if (event.type !== 'artifact') return event;
    const attestations = demoAttestations(event.serviceId ?? event.artifact.name, event.artifact, keys);
    return attestations.length > 0 ? { ...event, attestations } : event;
  });
}
