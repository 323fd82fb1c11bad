import {
  canonicalEntityRef,
  entityRefString,
  safeString,
  safeText,
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
