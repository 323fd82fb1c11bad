import { ConfigReader } from '@backstage/config';
import { secretForPath } from '@greenlight/backstage-plugin-greenlight-node';
import { githubPathOf, readGithubSecrets } from './webhookSecrets';

const body = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('the secret a GitHub delivery must be signed with', () => {
  const secrets = readGithubSecrets(
    new ConfigReader({
      greenlight: {
        webhooks: {
          github: {
            secret: 'shared',
            repositories: [
              { path: 'acme', secret: 'org' },
              { path: 'acme/ledger', secret: 'ledger' },
            ],
          },
        },
      },
    }),
  );

  it.each([
    [
      'its repository’s',
      { repository: { full_name: 'acme/ledger' } },
      'ledger',
    ],
    [
      'its organisation’s',
      { repository: { full_name: 'acme/payments' } },
      'org',
    ],
    [
      'its repository’s, spelt with .git',
      { repository: { full_name: 'acme/Ledger.git' } },
      'ledger',
    ],
    [
      'its organisation’s for an organisation event',
      { organization: { login: 'ACME' } },
      'org',
    ],
    [
      'the shared one for a repository no entry covers',
      { repository: { full_name: 'acmecorp/x' } },
      'shared',
    ],
    [
      'the shared one when no repository is named',
      { zen: 'Keep it simple.' },
      'shared',
    ],
  ])('is %s', (_, payload, expected) => {
    expect(secretForPath(secrets, githubPathOf(body(payload)))).toBe(expected);
  });

  it('reads no repository from a body that is not JSON', () => {
    expect(githubPathOf(Buffer.from('{"repository": '))).toBeUndefined();
  });

  it.each([
    ' / ',
    'github.com/acme/ledger',
    'https://github.com/acme/ledger',
    'acme/ledger.git',
    'a/b/c',
  ])(
    'refuses a configuration naming a path in another form (%p), which would never match',
    path => {
      expect(() =>
        readGithubSecrets(
          new ConfigReader({
            greenlight: {
              webhooks: { github: { repositories: [{ path, secret: 'x' }] } },
            },
          }),
        ),
      ).toThrow(
        'greenlight.webhooks.github.repositories[0].path: must be <owner>/<repo> or <owner>',
      );
    },
  );
});
