import { commitUrl, entityRepository, githubRepositoryUrl, pullRequestUrl } from './repository';

describe('repository links', () => {
  it('reads the spellings pipelines use for a GitHub repository', () => {
    for (const spelling of [
      'github.com/acme/payments',
      'https://github.com/acme/payments',
      'https://github.com/acme/payments.git',
      'git+https://github.com/acme/payments',
      'git@github.com:acme/payments.git',
      'acme/payments',
      'https://github.com/acme/payments/tree/main',
    ]) {
      expect(githubRepositoryUrl(spelling)).toBe('https://github.com/acme/payments');
    }
  });

  it('builds no link for other hosts or for values that are not commit hashes', () => {
    expect(githubRepositoryUrl('gitlab.com/acme/payments')).toBeUndefined();
    expect(commitUrl('github.com/acme/payments', 'main; rm -rf')).toBeUndefined();
    expect(commitUrl(undefined, 'abc1234')).toBeUndefined();
  });

  it('links commits and pull requests', () => {
    expect(commitUrl('github.com/acme/payments', 'abc1234')).toBe('https://github.com/acme/payments/commit/abc1234');
    expect(pullRequestUrl('github.com/acme/payments', 42)).toBe('https://github.com/acme/payments/pull/42');
  });

  it('takes the entity repository from github.com/project-slug', () => {
    const entity = {
      apiVersion: 'v1',
      kind: 'Component',
      metadata: { name: 'x', annotations: { 'github.com/project-slug': 'acme/payments' } },
    };
    expect(entityRepository(entity)).toBe('github.com/acme/payments');
    expect(entityRepository({ ...entity, metadata: { name: 'x' } })).toBeUndefined();
  });
});
