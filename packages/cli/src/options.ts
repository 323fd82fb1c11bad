import { parseArgs } from 'node:util';
import { UsageError } from './errors';

/** One `--flag` of a command, used both to parse the command line and to print help. */
export interface OptionSpec {
  name: string;
  short?: string;
  type: 'string' | 'boolean';
  /** The flag may be given several times; string values may also be comma lists. */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `<sha>`. */
  value?: string;
  description: string;
  required?: boolean;
  /** Environment variable read when the flag is absent. */
  env?: string;
}

export interface CommandSpec {
  /** Full name as typed, e.g. `record build`. */
  name: string;
  summary: string;
  usage: string;
  /** Longer explanation printed under the summary. */
  details?: string;
  options: OptionSpec[];
  /** Section titles mapped to option lists printed after the command's own options. */
  sharedOptions?: Array<{ title: string; options: OptionSpec[] }>;
  examples: Array<{ title: string; text: string }>;
  positionals?: string;
}

export type ParsedValues = Record<
  string,
  string | boolean | string[] | undefined
>;

export interface ParsedCommand {
  values: ParsedValues;
  positionals: string[];
}

export function allOptions(spec: CommandSpec): OptionSpec[] {
  return [
    ...spec.options,
    ...(spec.sharedOptions ?? []).flatMap(section => section.options),
  ];
}

/** Parses `argv` strictly against the command's flags; unknown flags are usage errors. */
export function parseCommand(
  spec: CommandSpec,
  argv: string[],
  env: Record<string, string | undefined>,
): ParsedCommand {
  const options = allOptions(spec);
  const config: Record<
    string,
    { type: 'string' | 'boolean'; multiple?: boolean; short?: string }
  > = {};
  for (const option of options) {
    config[option.name] = {
      type: option.type,
      ...(option.multiple ? { multiple: true } : {}),
      ...(option.short ? { short: option.short } : {}),
    };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: config,
      strict: true,
      allowPositionals: !!spec.positionals,
    });
  } catch (error) {
    throw new UsageError(
      `${(error as Error).message.replace(
        /\. To specify a positional.*$/s,
        '',
      )}`,
    );
  }
  const values = { ...parsed.values } as ParsedValues;
  for (const option of options) {
    if (values[option.name] === undefined && option.env) {
      const fromEnv = env[option.env];
      if (fromEnv !== undefined && fromEnv !== '') {
        values[option.name] = option.multiple ? [fromEnv] : fromEnv;
      }
    }
  }
  for (const option of options) {
    if (option.required && isEmpty(values[option.name])) {
      throw new UsageError(`missing required flag --${option.name}`);
    }
  }
  return { values, positionals: parsed.positionals };
}

function isEmpty(value: ParsedValues[string]): boolean {
  if (value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.every(v => v.trim() === '');
  return false;
}

/** A string flag, trimmed; empty strings count as absent. */
export function str(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  const last = Array.isArray(value) ? value[value.length - 1] : value;
  if (typeof last !== 'string') return undefined;
  const trimmed = last.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** A repeatable flag whose values may also be comma separated. */
export function list(values: ParsedValues, name: string): string[] | undefined {
  const value = values[name];
  if (value === undefined || typeof value === 'boolean') return undefined;
  const items = (Array.isArray(value) ? value : [value])
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(v => v !== '');
  return items.length ? items : undefined;
}

export function bool(values: ParsedValues, name: string): boolean {
  return values[name] === true;
}

/**
 * A point in time: an ISO 8601 timestamp with a zone (`Z` or `+02:00`), or
 * Unix epoch seconds (10 digits) or milliseconds (13 digits). Returned as UTC ISO.
 */
export function time(values: ParsedValues, name: string): string | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  let ms: number;
  if (/^\d{9,10}$/.test(raw)) ms = Number(raw) * 1000;
  else if (/^\d{12,13}$/.test(raw)) ms = Number(raw);
  else if (/(Z|[+-]\d\d:?\d\d)$/i.test(raw)) ms = Date.parse(raw);
  else {
    throw new UsageError(
      `--${name} must be an ISO 8601 time with a zone (e.g. 2024-05-01T12:00:00Z) or epoch seconds/milliseconds, got "${raw}"`,
    );
  }
  if (!Number.isFinite(ms)) {
    throw new UsageError(`--${name} is not a valid time: "${raw}"`);
  }
  return new Date(ms).toISOString();
}

export function nonNegativeInt(
  values: ParsedValues,
  name: string,
): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) {
    throw new UsageError(`--${name} must be a whole number, got "${raw}"`);
  }
  return Number(raw);
}

/** A git commit SHA, lower-cased. */
export function sha(values: ParsedValues, name: string): string | undefined {
  const raw = str(values, name);
  return raw === undefined ? undefined : checkSha(raw, `--${name}`);
}

export function checkSha(raw: string, what: string): string {
  const value = raw.toLowerCase();
  if (!/^[a-f0-9]{7,64}$/.test(value)) {
    throw new UsageError(`${what} must be a hex commit SHA, got "${raw}"`);
  }
  return value;
}

/**
 * Maps the spellings CI systems use for a result onto one of `allowed`:
 * GitHub's `success`/`failure`, GitLab's `failed`/`canceled`, Jenkins'
 * `SUCCESS`/`FAILURE`/`ABORTED`/`UNSTABLE`.
 */
export function status<T extends string>(
  raw: string,
  name: string,
  allowed: readonly T[],
): T {
  const aliases: Record<string, string> = {
    success: 'succeeded',
    successful: 'succeeded',
    succeeded: 'succeeded',
    passed: 'succeeded',
    failure: 'failed',
    failed: 'failed',
    unstable: 'failed',
    error: 'failed',
    canceled: 'cancelled',
    cancelled: 'cancelled',
    aborted: 'cancelled',
    not_built: 'cancelled',
    rolled_back: 'rolled-back',
    rolledback: 'rolled-back',
    'rolled-back': 'rolled-back',
    start: 'started',
    started: 'started',
    running: 'started',
  };
  const normalised =
    aliases[raw.trim().toLowerCase()] ?? raw.trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(normalised)) {
    throw new UsageError(
      `--${name} must be one of ${allowed.join(', ')}, got "${raw}"`,
    );
  }
  return normalised as T;
}

export function oneOf<T extends string>(
  values: ParsedValues,
  name: string,
  allowed: readonly T[],
): T | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(
      `--${name} must be one of ${allowed.join(', ')}, got "${raw}"`,
    );
  }
  return raw as T;
}

/**
 * A duration: plain seconds, or a number with `ms`, `s`, `m` or `h`
 * (`90`, `90s`, `15m`, `1h`). Returned in milliseconds.
 */
export function duration(
  values: ParsedValues,
  name: string,
  fallbackMs: number,
): number {
  const raw = str(values, name);
  if (raw === undefined) return fallbackMs;
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw);
  if (!match) {
    throw new UsageError(
      `--${name} must be a duration such as 90, 90s, 15m or 1h, got "${raw}"`,
    );
  }
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[
    (match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'
  ];
  return Math.round(Number(match[1]) * unit);
}
