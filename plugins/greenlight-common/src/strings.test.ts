import {
  canonicalEntityRef,
  entityRefString,
  safeString,
  safeText,
  unsafeCharacterIn,
  withoutUnsafeCharacters,
} from './strings';

describe('safeString and safeText', () => {
  it.each([
    ['NUL', '\u0000'],
    ['escape', '\u001B[31m'],
    ['DEL', '\u007F'],
    ['a C1 control', '\u0085'],
    ['a right-to-left override', '\u202E'],
    ['a first-strong isolate', '\u2068'],
    ['an unpaired high surrogate', '\uD83D'],
    ['an unpaired low surrogate', '\uDE00'],
  ])('refuse %s in both', (_label, bad) => {
    expect(safeString().safeParse(`prod${bad}`).success).toBe(false);
    expect(safeText().safeParse(`note${bad}`).success).toBe(false);
  });

  it('allow tabs and line breaks in free text only', () => {
    expect(safeText().safeParse('line one\n\tline two\r\n').success).toBe(true);
    expect(safeString().safeParse('prod\n').success).toBe(false);
    expect(safeString().safeParse('prod\t').success).toBe(false);
  });

  it('accept any well-formed text, emoji and right-to-left scripts included', () => {
    expect(safeString().safeParse('déploiement 🚀 نشر').success).toBe(true);
  });
});

describe('unsafeCharacterIn', () => {
  /** The four checks one after another, as the function made them before its quick test. */
  function everyCheck(text: string, freeText: boolean) {
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(text))
      return 'control';
    if (!freeText && /[\t\n\r]/.test(text)) return 'break';
    if (/[\u202A-\u202E\u2066-\u2069]/.test(text)) return 'bidi';
    if (/[\uD800-\uDFFF]/u.test(text)) return 'surrogate';
    return undefined;
  }

  it('refuses exactly what the four checks refuse, for every UTF-16 code unit', () => {
    const disagreements: string[] = [];
    for (let unit = 0; unit <= 0xffff; unit++) {
      for (const freeText of [false, true]) {
        const text = `a${String.fromCharCode(unit)}b`;
        const refused = unsafeCharacterIn(text, { freeText }) !== undefined;
        if (refused !== (everyCheck(text, freeText) !== undefined)) {
          disagreements.push(
            `U+${unit.toString(16)} ${freeText ? 'text' : 'id'}`,
          );
        }
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('accepts surrogates that pair up and refuses those that do not', () => {
    expect(unsafeCharacterIn('ship 🚀')).toBeUndefined();
    expect(unsafeCharacterIn('🚀\uD83D')).toBe(
      'must not contain unpaired surrogates',
    );
    expect(unsafeCharacterIn('\uDE00🚀')).toBe(
      'must not contain unpaired surrogates',
    );
  });
});

describe('canonicalEntityRef', () => {
  it.each([
    ['component:default/PaymentsAPI', 'component:default/paymentsapi'],
    ['Component:Default/paymentsapi', 'component:default/paymentsapi'],
    ['PaymentsAPI', 'component:default/paymentsapi'],
    ['api:billing/Ledger', 'api:billing/ledger'],
  ])('%s → %s', (given, canonical) => {
    expect(canonicalEntityRef(given)).toBe(canonical);
  });

  it.each([
    '::::',
    'a:b/c/d',
    'component:default/',
    'component:default/pay\u202Ements',
    '',
  ])('refuses %p', bad => {
    expect(() => canonicalEntityRef(bad)).toThrow();
    expect(entityRefString().safeParse(bad).success).toBe(false);
  });
});

describe('withoutUnsafeCharacters', () => {
  it.each([
    ['plain text', 'Fix checkout (#42)', 'Fix checkout (#42)'],
    [
      'a terminal colour code',
      'Fix \u001b[31mred\u001b[0m',
      'Fix \uFFFD[31mred\uFFFD[0m',
    ],
    ['a right-to-left override', 'admin\u202Etxt.exe', 'admin\uFFFDtxt.exe'],
    ['an unpaired surrogate', 'half \uD800 of it', 'half \uFFFD of it'],
    [
      'a paired surrogate (an emoji), kept',
      'ship it \uD83D\uDE80',
      'ship it \uD83D\uDE80',
    ],
    ['tabs and line breaks, kept in free text', 'a\tb\r\nc', 'a\tb\r\nc'],
    ['a C1 control character', 'next\u0085line', 'next\uFFFDline'],
  ])('%s', (_, text, expected) => {
    const cleaned = withoutUnsafeCharacters(text);
    expect(cleaned).toBe(expected);
    expect(unsafeCharacterIn(cleaned, { freeText: true })).toBeUndefined();
  });
});
