import { CONFORMANCE_TRUSTED_ROOT } from './__testUtils__/conformance';
import { assertUsableTrustedRoot } from './trusted-root';

const withTlogValidity = (validFor: object) => ({
  ...CONFORMANCE_TRUSTED_ROOT,
  tlogs: [
    {
      ...CONFORMANCE_TRUSTED_ROOT.tlogs[0],
      publicKey: { ...CONFORMANCE_TRUSTED_ROOT.tlogs[0].publicKey, validFor },
    },
  ],
});

describe('assertUsableTrustedRoot', () => {
  it('accepts an authority trusted from a start, with or without an end', () => {
    expect(() =>
      assertUsableTrustedRoot(
        withTlogValidity({ start: '2020-01-01T00:00:00Z' }),
      ),
    ).not.toThrow();
    expect(() =>
      assertUsableTrustedRoot(
        withTlogValidity({ start: '2020-01-01T00:00:00Z', end: null }),
      ),
    ).not.toThrow();
    expect(() =>
      assertUsableTrustedRoot(
        withTlogValidity({
          start: '2020-01-01T00:00:00Z',
          end: '2021-01-01T00:00:00Z',
        }),
      ),
    ).not.toThrow();
  });

  it.each([
    ['no start', {}, 'trusted root tlogs[0] has no valid validFor.start'],
    [
      'a start that is no time',
      { start: 'soon' },
      'trusted root tlogs[0] has no valid validFor.start',
    ],
    [
      'an end before its start',
      { start: '2021-01-01T00:00:00Z', end: '2020-01-01T00:00:00Z' },
      'trusted root tlogs[0] has an invalid validFor.end',
    ],
  ])('refuses an authority with %s', (_, validFor, message) => {
    expect(() => assertUsableTrustedRoot(withTlogValidity(validFor))).toThrow(
      message,
    );
  });

  it('refuses a root without authorities or logs', () => {
    expect(() =>
      assertUsableTrustedRoot({ ...CONFORMANCE_TRUSTED_ROOT, tlogs: [] }),
    ).toThrow('trusted root has no certificate authorities or logs');
  });
});
