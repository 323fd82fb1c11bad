import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Test data from the Sigstore conformance suite, github.com/sigstore/sigstore-conformance,
 * test/assets/bundle-verify/intoto-canonical-log-entry (Apache-2.0): a keyed
 * v0.3 bundle whose DSSE envelope is logged in a one-leaf test Rekor, with the
 * signing key and a trust root holding that log's key. Its hint is the
 * base64 SHA-256 of the signing key; its predicate is not SLSA.
 */
export const CONFORMANCE_SUBJECT_DIGEST =
  'sha256:a0cfc71271d6e278e57cd332ff957c3f7043fdda354c4cbb190a30d56efa01bf';

export const CONFORMANCE_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE7pBlkILi/WN1X8FiQTlZBK2/GlQD
Ol9bn1iDaSE8B5Eu+uccNndQid2Nmgp8mrTWhT2XhZbshUGMDSDx/6jwvw==
-----END PUBLIC KEY-----
`;

export const CONFORMANCE_TRUSTED_ROOT = {
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [
    {
      baseUrl: 'https://rekor.test',
      hashAlgorithm: 'SHA2_256',
      publicKey: {
        rawBytes:
          'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEXlYI/a1XM9LYk54J0H/lm4EeboY1vhheo0TbTln8aWofhvUYUH9fIKz10uhbCDlTfOF+ymQlkiuDReSCMA2zAw==',
        keyDetails: 'PKIX_ECDSA_P256_SHA_256',
        validFor: { start: '2020-01-01T00:00:00Z' },
      },
      logId: { keyId: 'f/sXlHr/AgxwFcDAbNEtIvijhWehfCf8HEXLV8SjNsw=' },
    },
  ],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
};

export function conformanceBundle() {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      publicKey: { hint: 'rJuYlKqs5PMzdPzjkZBg4BveZRpD97PBnngUXPZSlr8=' },
      tlogEntries: [
        {
          logIndex: '0',
          logId: { keyId: 'f/sXlHr/AgxwFcDAbNEtIvijhWehfCf8HEXLV8SjNsw=' },
          kindVersion: { kind: 'intoto', version: '0.0.2' },
          integratedTime: '0',
          inclusionProof: {
            logIndex: '0',
            rootHash: 'hLUIZULafhvW6mAf7P7aKG7JXNpiTMUDxfUPNwHxJLA=',
            treeSize: '1',
            hashes: [] as string[],
            checkpoint: {
              envelope:
                'rekor.test\n1\nhLUIZULafhvW6mAf7P7aKG7JXNpiTMUDxfUPNwHxJLA=\n\n\u2014 rekor.test f/sXlDBFAiEA4/I6x2M77vXvvbSGEg3g7oGdAPjrQ2qT9d8XZ4KjyRsCIE6Apz5WrQKtlEXeDC4xNXByPrJfy9OuttQsf8w8XzV9\n',
            },
          },
          canonicalizedBody:
            'eyJhcGlWZXJzaW9uIjoiMC4wLjIiLCJraW5kIjoiaW50b3RvIiwic3BlYyI6eyJjb250ZW50Ijp7ImVudmVsb3BlIjp7InBheWxvYWRUeXBlIjoiYXBwbGljYXRpb24vdm5kLmluLXRvdG8ranNvbiIsInNpZ25hdHVyZXMiOlt7InB1YmxpY0tleSI6IkxTMHRMUzFDUlVkSlRpQlFWVUpNU1VNZ1MwVlpMUzB0TFMwS1RVWnJkMFYzV1VoTGIxcEplbW93UTBGUldVbExiMXBKZW1vd1JFRlJZMFJSWjBGRk4zQkNiR3RKVEdrdlYwNHhXRGhHYVZGVWJGcENTekl2UjJ4UlJBcFBiRGxpYmpGcFJHRlRSVGhDTlVWMUszVmpZMDV1WkZGcFpESk9iV2R3T0cxeVZGZG9WREpZYUZwaWMyaFZSMDFFVTBSNEx6WnFkM1ozUFQwS0xTMHRMUzFGVGtRZ1VGVkNURWxESUV0RldTMHRMUzB0Q2c9PSIsInNpZyI6IlRVVlZRMGxDWWpoUVpUUXZXakIyUzNSWVUzWkJTRlkyY0dORE1VWXpaVlIzUTFwdVZtVnFkMWRGVWtaV2QwdGxRV2xGUVhKbE5uWXhPRmxUUlhNemJVdGhaVTFuUlRoVWFUQnNOakpEZWxRMWVWcDJkMlpIYVZaa01XVlVTWGM5In1dfSwiaGFzaCI6eyJhbGdvcml0aG0iOiJzaGEyNTYiLCJ2YWx1ZSI6ImNlM2ViMDAxZmEzYmM2ODcyZWY5Mjk0MjBhYTA4OWYyNzkyNmUxYjE4YzlmM2I1ZWFhMjY4NWRjMjJlZjM3ZTkifSwicGF5bG9hZEhhc2giOnsiYWxnb3JpdGhtIjoic2hhMjU2IiwidmFsdWUiOiJhZDc4OWQyNWIzM2VhODExYmMxZDUxY2RkNGM2NTI0MzViM2MwMWM4NjZjZTI0ZDgwNWU5MzAzMGY5MjgyM2RmIn19fX0=',
        },
      ],
      timestampVerificationData: { rfc3161Timestamps: [] as unknown[] },
    },
    dsseEnvelope: {
      payload:
        'eyJfdHlwZSI6Imh0dHBzOi8vaW4tdG90by5pby9TdGF0ZW1lbnQvdjEiLCJzdWJqZWN0IjpbeyJuYW1lIjoiYS50eHQiLCJkaWdlc3QiOnsic2hhMjU2IjoiYTBjZmM3MTI3MWQ2ZTI3OGU1N2NkMzMyZmY5NTdjM2Y3MDQzZmRkYTM1NGM0Y2JiMTkwYTMwZDU2ZWZhMDFiZiJ9fV0sInByZWRpY2F0ZVR5cGUiOiJodHRwczovL2V4YW1wbGUuY29tL3Rlc3QiLCJwcmVkaWNhdGUiOnt9fQ==',
      payloadType: 'application/vnd.in-toto+json',
      signatures: [
        {
          sig: 'MEUCIBb8Pe4/Z0vKtXSvAHV6pcC1F3eTwCZnVejwWERFVwKeAiEAre6v18YSEs3mKaeMgE8Ti0l62CzT5yZvwfGiVd1eTIw=',
          keyid: '',
        },
      ],
    },
  };
}

/** See sigstore-conformance/README.md in this folder for where these come from. */
export const KEYLESS_SUBJECT_DIGEST =
  'sha256:70ed0277251d0cf2eb5eda8b574ce012de485e39a3de1fb4b1e0717e14b02d6a';
export const KEYLESS_ISSUER = 'https://token.actions.githubusercontent.com';
export const KEYLESS_SUBJECT =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';

function load(name: string) {
  return JSON.parse(
    readFileSync(join(__dirname, 'sigstore-conformance', name), 'utf8'),
  );
}

export function keylessBundle() {
  return load('keyless-dsse-bundle.json');
}

export function publicGoodTrustedRoot() {
  return load('public-good-trusted-root.json');
}
