import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * Everything the commands touch outside of their own memory, so that tests
 * can run them against fakes.
 */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  fetch: typeof fetch;
  sleep(ms: number): Promise<void>;
  now(): Date;
  cwd: string;
  readFile(path: string): string;
  /** Runs `git` with the given arguments and returns its standard output. */
  git(args: string[], cwd: string): string;
}

export function defaultIo(): CliIo {
  return {
    stdout: text => process.stdout.write(text),
    stderr: text => process.stderr.write(text),
    env: process.env,
    fetch: (input, init) => globalThis.fetch(input, init),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    now: () => new Date(),
    cwd: process.cwd(),
    readFile: path => readFileSync(path, 'utf8'),
    git: (args, cwd) =>
      execFileSync('git', args, {
        cwd,
        encoding: 'utf8',
        maxBuffer: 256 * 1024 * 1024,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
  };
}

/**
 * Wraps the output of an `io` so that a secret never reaches the terminal or
 * the CI log, whatever message it ends up in.
 */
export function maskingIo(
  io: CliIo,
  secrets: Array<string | undefined>,
): CliIo {
  const mask = masker(secrets);
  return {
    ...io,
    stdout: text => io.stdout(mask(text)),
    stderr: text => io.stderr(mask(text)),
  };
}

export function masker(
  secrets: Array<string | undefined>,
): (text: string) => string {
  const values = secrets.filter((s): s is string => !!s && s.length >= 4);
  return text => {
    let out = text;
    for (const value of values) out = out.split(value).join('***');
    return out;
  };
}
