import { ConfigReader } from '@backstage/config';
import { receiveContent } from './attestationContent';
import {
  generateTestKey,
  policyWith,
  trustedKey,
} from './__testUtils__/fixtures';
import { policyFingerprint } from './policyFingerprint';
import { readReverifySchedule } from './reverifySchedule';

describe('policyFingerprint', () => {
  const a = generateTestKey('a', 'ed25519');
  const b = generateTestKey('b', 'ed25519');

  it('ignores key order and PEM line wrapping', () => {
    const wrapped = {
      ...trustedKey(a),
      publicKeyPem: a.publicKeyPem.replace(/\n/g, '\r\n'),
    };
    expect(policyFingerprint(policyWith([trustedKey(a), trustedKey(b)]))).toBe(
      policyFingerprint(policyWith([trustedKey(b), wrapped])),
    );
  });

  it('changes with anything that can change a verdict', () => {
    const base = policyFingerprint(policyWith([trustedKey(a)]));
    expect(
      policyFingerprint(policyWith([trustedKey(b, { keyId: 'a' })])),
    ).not.toBe(base);
    expect(
      policyFingerprint(policyWith([trustedKey(a, { slsaLevel: 2 })])),
    ).not.toBe(base);
    expect(
      policyFingerprint(policyWith([trustedKey(a, { builderIds: ['other'] })])),
    ).not.toBe(base);
    expect(
      policyFingerprint(policyWith([trustedKey(a)], { threshold: 2 })),
    ).not.toBe(base);
    expect(
      policyFingerprint(
        policyWith([trustedKey(a)], { defaults: { sourceRepository: 'x' } }),
      ),
    ).not.toBe(base);
    expect(
      policyFingerprint(policyWith([trustedKey(a)]), ['in-house']),
    ).not.toBe(base);
  });
});

describe('receiveContent', () => {
  it('gives the same id to the same JSON however it is spelled, and keeps the text', () => {
    const object = {
      payloadType: 't',
      payload: 'cA==',
      signatures: [{ sig: 'c2ln' }],
    };
    const pretty = JSON.stringify(
      { signatures: object.signatures, payload: 'cA==', payloadType: 't' },
      null,
      2,
    );
    expect(receiveContent(pretty).id).toBe(receiveContent(object).id);
    expect(receiveContent(pretty).text).toBe(pretty);
    expect(receiveContent({ ...object, payload: 'cQ==' }).id).not.toBe(
      receiveContent(object).id,
    );
    expect(receiveContent('not json').id).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('readReverifySchedule', () => {
  it('defaults to every 15 minutes, 500 at a time, and reads every duration form', () => {
    expect(readReverifySchedule(new ConfigReader({}))).toEqual({
      frequency: { minutes: 15 },
      batchSize: 500,
    });
    const config = (reverify: object) =>
      new ConfigReader({ greenlight: { provenance: { reverify } } });
    expect(
      readReverifySchedule(config({ frequency: 'PT5M', batchSize: 50 })),
    ).toEqual({
      frequency: { minutes: 5 },
      batchSize: 50,
    });
    expect(
      readReverifySchedule(config({ frequency: { hours: 1 } })).frequency,
    ).toEqual({ hours: 1 });
  });

  it('rejects a batch size out of range', () => {
    expect(() =>
      readReverifySchedule(
        new ConfigReader({
          greenlight: { provenance: { reverify: { batchSize: 0 } } },
        }),
      ),
    ).toThrow(
      'greenlight.provenance.reverify.batchSize must be an integer from 1 to 10000',
    );
  });
});
