import { run } from './cli';
import { createTestIo } from './testUtils';

const commands = [
  ['record', 'build'],
  ['record', 'deploy'],
  ['record', 'incident'],
  ['record', 'tests'],
  ['record', 'commits'],
  ['record', 'artifact'],
  ['gate', 'readiness'],
  ['gate', 'wait'],
];

describe('help', () => {
  it('lists every subcommand and the exit codes', async () => {
    const t = createTestIo();
    expect(await run(['--help'], t.io)).toBe(0);
    for (const [group, command] of commands) {
      expect(t.stdout()).toContain(`greenlight ${group} ${command} `);
    }
    expect(t.stdout()).toMatch(
      /Exit codes:[\s\S]*3 {2}gate readiness: change blocked/,
    );
    expect(t.stdout()).toContain('GREENLIGHT_TOKEN');
  });

  async function helpOf(group: string, command: string) {
    const t = createTestIo();
    expect(await run([group, command, '--help'], t.io)).toBe(0);
    return t.stdout();
  }

  it.each(commands)(
    'documents %s %s with its flags',
    async (group, command) => {
      const help = await helpOf(group, command);
      expect(help).toContain(`greenlight ${group} ${command} - `);
      expect(help).toContain('--url <url>');
      expect(help).toContain('Examples:');
    },
  );

  it.each(commands.filter(([, command]) => command !== 'incident'))(
    'shows GitHub Actions, GitLab CI and Jenkins examples for %s %s',
    async (group, command) => {
      const help = await helpOf(group, command);
      expect(help).toContain('# GitHub Actions');
      expect(help).toContain('# GitLab CI');
      expect(help).toContain('# Jenkins');
      expect(help).toContain('secrets.GREENLIGHT_TOKEN');
      expect(help).toContain("credentialsId: 'greenlight-token'");
    },
  );

  it('shows help even when required flags are missing, and via "help"', async () => {
    const t = createTestIo();
    expect(await run(['record', 'deploy', '-h'], t.io)).toBe(0);
    expect(t.stdout()).toContain('--deployment-id <id>');
    const t2 = createTestIo();
    expect(await run(['help', 'gate', 'wait'], t2.io)).toBe(0);
    expect(t2.stdout()).toContain('--rollout <id>');
    const t3 = createTestIo();
    expect(await run(['record', '--help'], t3.io)).toBe(0);
    expect(t3.stdout()).toContain('artifact');
  });

  it('exits 2 on unknown commands and on no command', async () => {
    const t = createTestIo();
    expect(await run(['deploy'], t.io)).toBe(2);
    expect(t.stderr()).toMatch(/unknown command "deploy"/);
    const t2 = createTestIo();
    expect(await run(['record', 'release'], t2.io)).toBe(2);
    expect(t2.stderr()).toMatch(
      /expected one of: build, deploy, incident, tests, commits, artifact/,
    );
    const t3 = createTestIo();
    expect(await run([], t3.io)).toBe(2);
    expect(t3.stderr()).toContain('Usage:');
  });
});
