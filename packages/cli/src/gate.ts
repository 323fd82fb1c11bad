import { resolve } from 'node:path';
import {
  ApiResponse,
  describeFailure,
  GreenlightClient,
  isRetryable,
} from './client';
import { CliError, ExitCode, UsageError } from './errors';
import { changedFilesInRange, parseRange } from './git';
import type { CliIo } from './io';
import { bool, duration, list, ParsedValues, str } from './options';

export interface ReadinessRequest {
  entityRef: string;
  environment: string;
  change: { changedFiles: string[]; commitRange?: string; labels?: string[] };
  evidence: Record<string, string | number | boolean>;
}

/** `key=value` with JSON-ish values: true/false and numbers become booleans and numbers. */
export function parseEvidence(
  items: string[] | undefined,
): ReadinessRequest['evidence'] {
  const evidence: ReadinessRequest['evidence'] = {};
  for (const item of items ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`--evidence must be key=value, got "${item}"`);
    }
    const key = item.slice(0, eq).trim();
    const raw = item.slice(eq + 1).trim();
    let value: string | number | boolean = raw;
    if (raw === 'true' || raw === 'false') value = raw === 'true';
    else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
    evidence[key] = value;
  }
  return evidence;
}

/** `--evidence` is repeatable; values may contain commas, so it is not split on them. */
function evidenceItems(values: ParsedValues): string[] | undefined {
  const value = values.evidence;
  if (value === undefined || typeof value === 'boolean') return undefined;
  return (Array.isArray(value) ? value : [value]).filter(v => v.trim() !== '');
}

export function readinessRequest(
  values: ParsedValues,
  io: CliIo,
): ReadinessRequest {
  const changedFiles = [...(list(values, 'changed-files') ?? [])];
  let commitRange = str(values, 'commit-range');
  const fromGit = str(values, 'changed-files-from-git');
  if (fromGit) {
    const range = parseRange(fromGit, '--changed-files-from-git');
    if (range === undefined) {
      throw new UsageError(
        `--changed-files-from-git ${fromGit} has no base commit; pass --changed-files instead`,
      );
    }
    const cwd = resolve(io.cwd, str(values, 'repo-dir') ?? '.');
    changedFiles.push(...changedFilesInRange(io, range, cwd));
    commitRange ??= range;
  }
  const labels = list(values, 'labels');
  return {
    entityRef: str(values, 'entity') as string,
    environment: str(values, 'environment') as string,
    change: {
      changedFiles: [...new Set(changedFiles)],
      ...(commitRange ? { commitRange } : {}),
      ...(labels ? { labels } : {}),
    },
    evidence: parseEvidence(evidenceItems(values)),
  };
}

export interface ReadinessDecision {
  decision: 'allow' | 'block' | 'unknown';
  raw?: string;
  missing: string[];
  reasons: string[];
}

const ALLOW = [
  'allow',
  'allowed',
  'pass',
  'passed',
  'ready',
  'ok',
  'go',
  'warn',
];
const BLOCK = [
  'block',
  'blocked',
  'deny',
  'denied',
  'fail',
  'failed',
  'not-ready',
];

function describeControl(item: unknown): string {
  if (typeof item === 'string') return item;
  if (!item || typeof item !== 'object') return String(item);
  const c = item as Record<string, unknown>;
  const name = [c.id, c.key, c.control, c.name].find(
    v => typeof v === 'string',
  );
  const text = [c.title, c.description, c.message, c.reason].filter(
    (v): v is string => typeof v === 'string' && v !== name,
  );
  return [name, ...text].filter(Boolean).join(': ') || JSON.stringify(item);
}

/**
 * Reads a readiness response. The decision is `decision` (or `outcome`,
 * `result`), or a boolean `allowed`; missing controls are read from
 * `missingControls` (or `missing`, `blockers`), as strings or objects.
 */
export function interpretReadiness(body: unknown): ReadinessDecision {
  const root = (body && typeof body === 'object' ? body : {}) as Record<
    string,
    unknown
  >;
  const b = (
    root.readiness && typeof root.readiness === 'object' ? root.readiness : root
  ) as Record<string, unknown>;
  const rawDecision = [b.decision, b.outcome, b.result, b.verdict].find(
    v => typeof v === 'string',
  ) as string | undefined;
  let decision: ReadinessDecision['decision'] = 'unknown';
  if (rawDecision) {
    const d = rawDecision.toLowerCase().replace(/[_\s]/g, '-');
    if (ALLOW.includes(d)) decision = 'allow';
    else if (BLOCK.includes(d)) decision = 'block';
  } else {
    const flag = [b.allowed, b.allow, b.ready].find(
      v => typeof v === 'boolean',
    );
    if (flag !== undefined) decision = flag ? 'allow' : 'block';
  }
  const missingSource = [
    b.missingControls,
    b.missing,
    b.blockers,
    b.missing_controls,
  ].find(Array.isArray) as unknown[] | undefined;
  const reasonsSource = [b.reasons, b.messages].find(Array.isArray) as
    | unknown[]
    | undefined;
  const reasons = (reasonsSource ?? []).map(describeControl);
  if (typeof b.message === 'string') reasons.push(b.message);
  return {
    decision,
    raw: rawDecision,
    missing: (missingSource ?? []).map(describeControl),
    reasons,
  };
}

type WindowBody = {
  window?: {
    allowed?: boolean;
    reasons?: string[];
    nextAllowedAt?: string | null;
  };
  rolloutConstraints?: Array<{ class?: string; description?: string }>;
};

/**
 * When the change is blocked only by a change window or a freeze: the time it may ship
 * (milliseconds), else undefined.
 */
export function windowWait(
  body: unknown,
  result: ReadinessDecision,
): number | undefined {
  const w = (body as WindowBody | undefined)?.window;
  if (result.decision !== 'block' || !w?.nextAllowedAt) return undefined;
  if (result.missing.some(m => m !== 'change-window')) return undefined;
  const at = Date.parse(w.nextAllowedAt);
  return Number.isFinite(at) ? at : undefined;
}

function windowLines(body: unknown, result: ReadinessDecision): string[] {
  const b = (body ?? {}) as WindowBody;
  const lines: string[] = [];
  if (b.window && b.window.allowed === false && result.decision === 'block') {
    for (const r of b.window.reasons ?? []) lines.push(`  ${r}`);
    lines.push(
      b.window.nextAllowedAt
        ? `Next allowed: ${b.window.nextAllowedAt}`
        : 'No allowed time within the next 400 days.',
    );
  }
  for (const c of b.rolloutConstraints ?? []) {
    lines.push(`Rollout for ${c.class}: ${c.description}`);
  }
  return lines;
}

export async function gateReadiness(
  values: ParsedValues,
  io: CliIo,
  client: GreenlightClient | undefined,
): Promise<number> {
  const body = readinessRequest(values, io);
  if (!client) {
    io.stdout(`${JSON.stringify(body, null, 2)}\n`);
    return ExitCode.Ok;
  }
  const maxWaitMs = duration(values, 'max-wait', 0);
  const deadline = io.now().getTime() + maxWaitMs;
  let response: ApiResponse;
  let result: ReadinessDecision;
  for (;;) {
    response = await client.request('POST', '/readiness', body);
    if (response.status < 200 || response.status >= 300) {
      throw new CliError(
        `readiness check failed: ${describeFailure(response)}`,
      );
    }
    result = interpretReadiness(response.body);
    const waitUntil = windowWait(response.body, result);
    if (waitUntil === undefined || waitUntil > deadline) break;
    io.stderr(
      `${io
        .now()
        .toISOString()} outside the change window; waiting until ${new Date(
        waitUntil,
      ).toISOString()}\n`,
    );
    await io.sleep(Math.max(waitUntil - io.now().getTime(), 1000));
  }
  if (bool(values, 'json'))
    io.stdout(`${JSON.stringify(response.body, null, 2)}\n`);
  const target = `${body.entityRef} → ${body.environment}`;
  const out = bool(values, 'json') ? io.stderr : io.stdout;
  if (result.decision === 'unknown') {
    throw new CliError(
      `readiness check for ${target}: unrecognised response ${response.text.slice(
        0,
        500,
      )}`,
    );
  }
  const lines = [
    result.decision === 'allow'
      ? `Ready: ${target} is allowed${
          result.raw && result.raw !== 'allow' ? ` (${result.raw})` : ''
        }.`
      : `Blocked: ${target} is not ready.`,
  ];
  if (result.missing.length) {
    lines.push('Missing controls:', ...result.missing.map(m => `  - ${m}`));
  }
  for (const reason of result.reasons) lines.push(`  ${reason}`);
  lines.push(...windowLines(response.body, result));
  out(`${lines.join('\n')}\n`);
  return result.decision === 'allow' ? ExitCode.Ok : ExitCode.Blocked;
}

const PROMOTED = ['promoted'];
const FAILED_STATES = ['rolled-back', 'rolledback', 'aborted'];

function rolloutState(body: unknown): string | undefined {
  const b = (body && typeof body === 'object' ? body : {}) as Record<
    string,
    unknown
  >;
  const inner = (
    b.rollout && typeof b.rollout === 'object' ? b.rollout : {}
  ) as Record<string, unknown>;
  const state = [b.state, inner.state, b.status, inner.status].find(
    v => typeof v === 'string',
  ) as string | undefined;
  return state?.toLowerCase().replace(/[_\s]/g, '-');
}

export async function gateWait(
  values: ParsedValues,
  io: CliIo,
  client: GreenlightClient | undefined,
): Promise<number> {
  const rollout = str(values, 'rollout') as string;
  const timeoutMs = duration(values, 'timeout', 30 * 60_000);
  const intervalMs = Math.max(duration(values, 'interval', 15_000), 1);
  const path = `/rollouts/${encodeURIComponent(rollout)}`;
  if (!client) {
    io.stdout(`GET ${path} every ${intervalMs} ms for up to ${timeoutMs} ms\n`);
    return ExitCode.Ok;
  }
  const json = bool(values, 'json');
  const deadline = io.now().getTime() + timeoutMs;
  let lastState: string | undefined;
  let last: ApiResponse | undefined;
  for (;;) {
    let response: ApiResponse | undefined;
    try {
      response = await client.request('GET', path);
    } catch (error) {
      if (!(error instanceof CliError)) throw error;
      io.stderr(`greenlight: ${error.message}; still waiting\n`);
    }
    if (response) {
      if (response.status === 404) {
        throw new CliError(
          `rollout ${rollout} not found: ${describeFailure(response)}`,
        );
      }
      if (isRetryable(response.status)) {
        io.stderr(`greenlight: ${describeFailure(response)}; still waiting\n`);
      } else if (response.status >= 400) {
        throw new CliError(
          `cannot read rollout ${rollout}: ${describeFailure(response)}`,
        );
      } else if (response.status >= 200 && response.status < 300) {
        last = response;
        const state = rolloutState(response.body) ?? 'unknown';
        if (state !== lastState) {
          io.stderr(`${io.now().toISOString()} rollout ${rollout}: ${state}\n`);
          lastState = state;
        }
        if (PROMOTED.includes(state) || FAILED_STATES.includes(state)) {
          if (json) io.stdout(`${JSON.stringify(response.body, null, 2)}\n`);
          const promoted = PROMOTED.includes(state);
          (json ? io.stderr : io.stdout)(
            promoted
              ? `Rollout ${rollout} was promoted.\n`
              : `Rollout ${rollout} ended ${state}.\n`,
          );
          return promoted ? ExitCode.Ok : ExitCode.RolledBack;
        }
      }
    }
    const remaining = deadline - io.now().getTime();
    if (remaining <= 0) break;
    await io.sleep(Math.min(intervalMs, remaining));
  }
  if (json && last) io.stdout(`${JSON.stringify(last.body, null, 2)}\n`);
  (json ? io.stderr : io.stdout)(
    `Timed out after ${Math.round(
      timeoutMs / 1000,
    )}s waiting for rollout ${rollout} (last state: ${lastState ?? 'none'}).\n`,
  );
  return ExitCode.Timeout;
}
