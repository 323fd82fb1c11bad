import { matchesSelector } from './labelSelector';

describe('matchesSelector', () => {
  const labels = {
    team: 'payments',
    env: 'prod',
    'app.kubernetes.io/part-of': 'shop',
  };

  it.each([
    ['team=payments', true],
    ['team==payments', true],
    ['team=checkout', false],
    ['team!=checkout', true],
    ['team=payments,env=prod', true],
    ['team=payments,env=staging', false],
    ['env in (prod, staging)', true],
    ['env notin (prod)', false],
    ['app.kubernetes.io/part-of=shop', true],
    ['team', true],
    ['!legacy', true],
    ['!team', false],
    ['', false],
    ['team=~pay', false],
  ])('%p matches: %p', (selector, expected) => {
    expect(matchesSelector(selector, labels)).toBe(expected);
  });
});
