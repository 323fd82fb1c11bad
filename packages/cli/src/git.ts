import { CliError, UsageError } from './errors';
import type { CliIo } from './io';

/** A commit as read from `git log`. */
export interface GitCommit {
  sha: string;
  committedAt: string;
  authoredAt: string;
  title: string;
}

const FIELD = '\x1f';
const RECORD = '\x1e';

/**
 * Checks a `<from>..<to>` revision range. Returns `undefined` when `<from>`
 * is the all-zero SHA CI systems use for "no previous commit" (a new branch),
 * in which case there is no range to read.
 */
export function parseRange(raw: string, flag: string): string | undefined {
  const match = /^([^\s.][^\s]*?)\.\.(\.?)([^\s.][^\s]*)$/.exec(raw.trim());
  if (!match || match[2] || raw.trim().startsWith('-')) {
    throw new UsageError(
      `${flag} must be a revision range <from>..<to>, e.g. 3f2c1ab..9e8d7c6, got "${raw}"`,
    );
  }
  if (/^0+$/.test(match[1])) return undefined;
  return `${match[1]}..${match[3]}`;
}

/** Runs `git log <range>` and returns the commits, newest first. */
export function commitsInRange(
  io: CliIo,
  range: string,
  cwd: string,
): GitCommit[] {
  let output: string;
  try {
    output = io.git(
      [
        'log',
        `--format=%H${FIELD}%cI${FIELD}%aI${FIELD}%s${RECORD}`,
        range,
        '--',
      ],
      cwd,
    );
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new CliError(
      `git log ${range} failed${stderr ? `: ${stderr}` : ''}\n` +
        'Make sure both revisions are in the clone: fetch the full history ' +
        '(GitHub Actions: actions/checkout with fetch-depth: 0; GitLab CI: GIT_DEPTH: 0).',
    );
  }
  return output
    .split(RECORD)
    .map(record => record.trim())
    .filter(record => record !== '')
    .map(record => {
      const [sha, committedAt, authoredAt, title = ''] = record.split(FIELD);
      return {
        sha: sha.toLowerCase(),
        committedAt: new Date(committedAt).toISOString(),
        authoredAt: new Date(authoredAt).toISOString(),
        title,
      };
    });
}

/** Runs `git diff --name-only <range>` and returns the changed paths. */
export function changedFilesInRange(
  io: CliIo,
  range: string,
  cwd: string,
): string[] {
  let output: string;
  try {
    output = io.git(['diff', '--name-only', range, '--'], cwd);
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new CliError(
      `git diff ${range} failed${stderr ? `: ${stderr}` : ''}`,
    );
  }
  return output
    .split('\n')
    .map(line => line.trim())
    .filter(line => line !== '');
}
