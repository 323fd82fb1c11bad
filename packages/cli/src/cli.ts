import { parseEventBatch } from '@greenlight/backstage-plugin-greenlight-common';
import { version as packageVersion } from '../package.json';
import { describeFailure, GreenlightClient } from './client';
import { CliError, ExitCode, UsageError } from './errors';
import { gateReadiness, gateWait } from './gate';
import { commandHelp, groupHelp, mainHelp } from './help';
import { CliIo, defaultIo, masker, maskingIo } from './io';
import { bool, CommandSpec, parseCommand, ParsedValues, str } from './options';
import { EventInput, recordBuilders } from './record';
import { gateSpecs, recordSpecs } from './specs';

export interface RunOptions {
  /** Delay before the first retry, in ms (default 1000). */
  retryDelayMs?: number;
}

function wantsHelp(argv: string[]): boolean {
  return argv.includes('--help') || argv.includes('-h');
}

/** Builds the API client from flags and environment, or returns undefined for `--dry-run`. */
function clientFor(
  values: ParsedValues,
  io: CliIo,
  options: RunOptions,
): GreenlightClient | undefined {
  if (bool(values, 'dry-run')) return undefined;
  const url = str(values, 'url');
  if (!url) {
    throw new UsageError(
      'no server URL: pass --url or set GREENLIGHT_URL (or use --dry-run)',
    );
  }
  const token = str(values, 'token');
  if (!token) {
    throw new UsageError(
      'no token: set GREENLIGHT_TOKEN or pass --token (or use --dry-run)',
    );
  }
  const rawAttempts = str(values, 'attempts');
  const attempts = rawAttempts === undefined ? 3 : Number(rawAttempts);
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 10) {
    throw new UsageError(
      `--attempts must be a whole number from 1 to 10, got "${rawAttempts}"`,
    );
  }
  return new GreenlightClient(
    {
      baseUrl: url,
      token,
      attempts,
      verbose: bool(values, 'verbose'),
      retryDelayMs: options.retryDelayMs,
    },
    io,
  );
}

async function send(
  events: EventInput[],
  values: ParsedValues,
  io: CliIo,
  options: RunOptions,
): Promise<number> {
  const batch = { events };
  const validation = parseEventBatch(batch);
  if (!validation.ok) {
    const lines = validation.issues.map(issue => {
      const event = events[issue.index] as { type?: string } | undefined;
      const where = event ? `${event.type} event` : 'batch';
      return `  - ${where}: ${issue.path}: ${issue.message}`;
    });
    throw new UsageError(`the event does not validate:\n${lines.join('\n')}`);
  }
  const client = clientFor(values, io, options);
  if (!client) {
    io.stdout(`${JSON.stringify(batch, null, 2)}\n`);
    return ExitCode.Ok;
  }
  const response = await client.request('POST', '/events', batch);
  if (response.status < 200 || response.status >= 300) {
    throw new CliError(
      `Greenlight rejected the events: ${describeFailure(response)}`,
    );
  }
  io.stdout(recordedSummary(events, response.body));
  return ExitCode.Ok;
}

type IngestResult = { id?: unknown; status?: unknown; entityRef?: unknown };

/**
 * One line per event, using the server's per-event results when it sends
 * them (`{ accepted, duplicates, unmapped, results: [{ id, status, entityRef }] }`).
 */
export function recordedSummary(events: EventInput[], body: unknown): string {
  const b = (body && typeof body === 'object' ? body : {}) as Record<
    string,
    unknown
  >;
  const results = Array.isArray(b.results) ? (b.results as IngestResult[]) : [];
  const counts = ['accepted', 'duplicates', 'unmapped']
    .filter(k => typeof b[k] === 'number')
    .map(k => `${k} ${b[k]}`);
  const lines = [
    `Recorded ${events.length} event${events.length === 1 ? '' : 's'}${
      counts.length ? ` (${counts.join(', ')})` : ''
    }:`,
  ];
  events.forEach((event, index) => {
    const result =
      results.find(
        r =>
          typeof r.id === 'string' &&
          (r.id === event.id || r.id.endsWith(`:${event.id}`)),
      ) ?? results[index];
    let detail = '';
    if (result) {
      const status =
        typeof result.status === 'string' ? result.status : undefined;
      let entity = '';
      if (typeof result.entityRef === 'string')
        entity = ` -> ${result.entityRef}`;
      else if (result.entityRef === null)
        entity = ' (no catalog entity matched yet)';
      detail = `${status ? ` ${status}` : ''}${entity}`;
    }
    lines.push(`  ${event.type} ${event.id}${detail}`);
  });
  return `${lines.join('\n')}\n`;
}

async function runCommand(
  spec: CommandSpec,
  argv: string[],
  io: CliIo,
  handler: (
    values: ParsedValues,
    positionals: string[],
    io: CliIo,
  ) => Promise<number>,
): Promise<number> {
  if (wantsHelp(argv)) {
    io.stdout(commandHelp(spec));
    return ExitCode.Ok;
  }
  const parsed = parseCommand(spec, argv, io.env);
  const secrets = [str(parsed.values, 'token')];
  const mask = masker(secrets);
  try {
    return await handler(
      parsed.values,
      parsed.positionals,
      maskingIo(io, secrets),
    );
  } catch (error) {
    // Errors are printed later, outside of the masking output: mask them here.
    if (error instanceof UsageError) throw new UsageError(mask(error.message));
    if (error instanceof CliError) {
      throw new CliError(mask(error.message), error.exitCode);
    }
    throw new CliError(
      mask(`unexpected error: ${(error as Error)?.stack ?? String(error)}`),
    );
  }
}

async function dispatch(
  argv: string[],
  io: CliIo,
  options: RunOptions,
): Promise<number> {
  const [group, command, ...rest] = argv;

  if (group === undefined) {
    io.stderr(mainHelp());
    return ExitCode.Usage;
  }
  if (group === '--help' || group === '-h') {
    io.stdout(mainHelp());
    return ExitCode.Ok;
  }
  if (group === '--version' || group === 'version') {
    io.stdout(`${packageVersion}\n`);
    return ExitCode.Ok;
  }
  if (group === 'help') {
    const [target, sub] = argv.slice(1);
    if (target === 'record' || target === 'gate') {
      return dispatch(
        sub ? [target, sub, '--help'] : [target, '--help'],
        io,
        options,
      );
    }
    if (target !== undefined) {
      throw new UsageError(`unknown command "${target}"`);
    }
    io.stdout(mainHelp());
    return ExitCode.Ok;
  }

  if (group === 'record' || group === 'gate') {
    const specs = group === 'record' ? recordSpecs : gateSpecs;
    if (command === undefined || command.startsWith('-')) {
      if (command === '--help' || command === '-h') {
        io.stdout(groupHelp(group));
        return ExitCode.Ok;
      }
      io.stderr(groupHelp(group));
      return ExitCode.Usage;
    }
    const spec = specs[command];
    if (!spec) {
      throw new UsageError(
        `unknown command "${group} ${command}"; expected one of: ${Object.keys(
          specs,
        ).join(', ')}`,
      );
    }
    if (group === 'record') {
      return runCommand(spec, rest, io, async (values, positionals, safeIo) => {
        const result = recordBuilders[command](values, {
          io: safeIo,
          positionals,
        });
        if ('skipped' in result) {
          safeIo.stderr(`greenlight: ${result.skipped}\n`);
          return ExitCode.Ok;
        }
        for (const note of result.notes ?? [])
          safeIo.stderr(`greenlight: ${note}\n`);
        return send(result.events, values, safeIo, options);
      });
    }
    return runCommand(spec, rest, io, async (values, _positionals, safeIo) => {
      const client = clientFor(values, safeIo, options);
      return command === 'readiness'
        ? gateReadiness(values, safeIo, client)
        : gateWait(values, safeIo, client);
    });
  }

  throw new UsageError(`unknown command "${group}"`);
}

/**
 * Runs the `greenlight` command line and returns its exit code. Errors are
 * printed to stderr; nothing here calls `process.exit`.
 */
export async function run(
  argv: string[],
  io: CliIo = defaultIo(),
  options: RunOptions = {},
): Promise<number> {
  try {
    return await dispatch(argv, io, options);
  } catch (error) {
    if (error instanceof CliError) {
      const hint =
        error instanceof UsageError
          ? '\nRun "greenlight --help" for usage.'
          : '';
      io.stderr(`greenlight: ${error.message}${hint}\n`);
      return error.exitCode;
    }
    io.stderr(
      `greenlight: unexpected error: ${
        (error as Error)?.stack ?? String(error)
      }\n`,
    );
    return ExitCode.Failed;
  }
}
