import { ConfigReader } from '@backstage/config';
import { secretForPath as secretFor } from '@greenlight/backstage-plugin-greenlight-node';
import { readGitlabSecrets } from './projectSecrets';

const secrets = readGitlabSecrets(
  new ConfigReader({
    webhookSecret: 'wide',
    projects: [
      { path: 'acme/payments', webhookSecret: 'payments' },
      { path: '/acme/Team/', webhookSecret: 'team' },
      { path: 'acme/team/ledger', webhookSecret: 'ledger' },
    ],
  }),
);

describe('the secret a GitLab delivery must carry', () => {
  it.each([
    ['its own project’s', 'acme/payments', 'payments'],
    [
      'its own project’s, whatever the case of the path',
      'ACME/Payments',
      'payments',
    ],
    ['its group’s', 'acme/team/inventory', 'team'],
    ['its group’s, in a subgroup', 'acme/team/sub/inventory', 'team'],
    ['the longest entry’s', 'acme/team/ledger', 'ledger'],
    [
      'not a group’s whose name merely begins the same',
      'acme/teamwork/x',
      'wide',
    ],
    ['not a project’s whose path it begins', 'acme/pay', 'wide'],
    [
      'the source-wide one for a project no entry covers',
      'acme/checkout',
      'wide',
    ],
    ['the source-wide one when no project can be read', undefined, 'wide'],
  ])('is %s (%p)', (_, path, expected) => {
    expect(secretFor(secrets, path)).toBe(expected);
  });

  it('is none for an unlisted project when there is no source-wide secret', () => {
    const only = readGitlabSecrets(
      new ConfigReader({
        projects: [{ path: 'acme/payments', webhookSecret: 'p' }],
      }),
    );
    expect(secretFor(only, 'acme/checkout')).toBeUndefined();
    expect(secretFor(only, undefined)).toBeUndefined();
    expect(secretFor(only, 'acme/payments')).toBe('p');
  });

  it.each([
    [
      [{ path: '/', webhookSecret: 'x' }],
      'projects[0].path: must name a project or group',
    ],
    [
      [
        { path: 'acme/a', webhookSecret: 'x' },
        { path: 'ACME/a/', webhookSecret: 'y' },
      ],
      'projects[1].path: acme/a is listed twice',
    ],
  ])(
    'refuses a configuration naming a path badly (%#)',
    (projects, message) => {
      expect(() => readGitlabSecrets(new ConfigReader({ projects }))).toThrow(
        message,
      );
    },
  );
});
