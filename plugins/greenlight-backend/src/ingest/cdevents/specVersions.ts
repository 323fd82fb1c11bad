import type { TestRun } from '@greenlight/backstage-plugin-greenlight-common';

/**
 * Everything that differs between the CDEvents releases Greenlight reads. The mappers
 * ask this module and never look at the spec version themselves.
 *
 * v0.4 → v0.5:
 * - `context.version` was renamed `context.specversion`;
 * - `subject.type` was dropped;
 * - run and resource links `url` were renamed `uri`;
 * - test outcomes `pass`/`fail` became `success`/`failure`;
 * - `pipelinerun.finished` outcome went from free text to an enum;
 * - event type versions were bumped (e.g. `service.deployed.0.2.0` → `0.3.0`); the
 *   content Greenlight reads did not change, so type versions are not checked.
 */
export type SpecVersion = '0.4' | '0.5';

type Dialect = {
  testOutcomes: Record<string, TestRun['outcome']>;
  linkKey: 'url' | 'uri';
};

const DIALECTS: Record<SpecVersion, Dialect> = {
  '0.4': {
    testOutcomes: {
      pass: 'passed',
      fail: 'failed',
      error: 'error',
      cancel: 'skipped',
    },
    linkKey: 'url',
  },
  '0.5': {
    testOutcomes: {
      success: 'passed',
      failure: 'failed',
      error: 'error',
      cancel: 'skipped',
    },
    linkKey: 'uri',
  },
};

/** Reads the spec version from whichever field the event's release uses. */
export function specVersionOf(context: {
  version?: string;
  specversion?: string;
}): SpecVersion | undefined {
  const raw = context.specversion ?? context.version;
  if (raw?.startsWith('0.4')) return '0.4';
  if (raw?.startsWith('0.5')) return '0.5';
  return undefined;
}

/**
 * Own release first, then the other: producers mixing the vocabularies of both
 * releases are common enough (SDK upgrades lag schema upgrades) to be worth accepting.
 */
function dialectsFor(version: SpecVersion | undefined): Dialect[] {
  return version === '0.4'
    ? [DIALECTS['0.4'], DIALECTS['0.5']]
    : [DIALECTS['0.5'], DIALECTS['0.4']];
}

export function testOutcome(
  version: SpecVersion | undefined,
  raw: string,
): TestRun['outcome'] | undefined {
  const key = raw.toLowerCase();
  for (const dialect of dialectsFor(version)) {
    if (Object.hasOwn(dialect.testOutcomes, key))
      return dialect.testOutcomes[key];
  }
  return undefined;
}

/** A pipeline or task run's link to itself. */
export function runLink(
  version: SpecVersion | undefined,
  content: Record<string, unknown>,
): string | undefined {
  for (const { linkKey } of dialectsFor(version)) {
    const value = content[linkKey];
    if (typeof value === 'string' && value.length > 0) return value;
  }
  return undefined;
}

/**
 * A pipeline run outcome as a build status. v0.5 uses success/failure/cancel/error;
 * v0.4 left it free text, so common spellings are accepted. `undefined` means the run
 * neither succeeded nor failed (cancelled) or the outcome is unknown.
 */
export function runStatus(raw: string): 'succeeded' | 'failed' | undefined {
  const key = raw.trim().toLowerCase();
  if (
    ['success', 'succeeded', 'successful', 'pass', 'passed', 'ok'].includes(key)
  ) {
    return 'succeeded';
  }
  if (
    ['failure', 'failed', 'fail', 'error', 'errored', 'timeout'].includes(key)
  ) {
    return 'failed';
  }
  return undefined;
}
