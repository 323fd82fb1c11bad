import {
  changeIntents,
  deploymentStrategies,
  greenlightEventSchema,
} from '@greenlight/backstage-plugin-greenlight-common';
import { basename, resolve } from 'node:path';
import { CliError, UsageError } from './errors';
import { commitsInRange, parseRange } from './git';
import { eventId, shortHash } from './ids';
import type { CliIo } from './io';
import { junitOutcome, parseJUnit, sumJUnit } from './junit';
import {
  list,
  nonNegativeInt,
  oneOf,
  ParsedValues,
  sha,
  checkSha,
  status,
  str,
  time,
} from './options';

/** An event as sent to the API, before the server applies defaults. */
export type EventInput = (typeof greenlightEventSchema)['_zod']['input'];

/** What a record subcommand produces: the events, or a reason to send nothing. */
export type RecordResult =
  | { events: EventInput[]; notes?: string[] }
  | { events: []; skipped: string };

export interface RecordContext {
  io: CliIo;
  positionals: string[];
}

type Subject = {
  entityRef?: string;
  serviceId?: string;
  artifactPurl?: string;
  repository?: string;
};

const MAX_COMMITS = 10_000;

function subjectOf(values: ParsedValues): Subject {
  const subject: Subject = {};
  const entity = list(values, 'entity')?.[0];
  if (entity) subject.entityRef = entity;
  const serviceId = str(values, 'service-id');
  if (serviceId) subject.serviceId = serviceId;
  const purl = str(values, 'artifact-purl');
  if (purl) subject.artifactPurl = purl;
  const repository = str(values, 'repository');
  if (repository) subject.repository = repository;
  if (Object.keys(subject).length === 0) {
    throw new UsageError(
      'say which entity the event belongs to: give --entity, --service-id, --artifact-purl or --repository',
    );
  }
  return subject;
}

/** The part of the subject that goes into derived event ids. */
function subjectKey(subject: Subject): string {
  return (subject.entityRef ??
    subject.serviceId ??
    subject.artifactPurl ??
    subject.repository) as string;
}

function digest(values: ParsedValues, name: string): string | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const value = raw.toLowerCase();
  if (!/^sha(256|384|512):[a-f0-9]{64,128}$/.test(value)) {
    throw new UsageError(`--${name} must look like sha256:<hex>, got "${raw}"`);
  }
  return value;
}

function now(io: CliIo): string {
  return io.now().toISOString();
}

function compact<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(
    Object.entries(object).filter(([, v]) => v !== undefined),
  ) as T;
}

export function recordBuild(
  values: ParsedValues,
  ctx: RecordContext,
): RecordResult {
  const subject = subjectOf(values);
  const rawStatus = str(values, 'status') ?? 'succeeded';
  const normalised = status(rawStatus, 'status', [
    'succeeded',
    'failed',
    'cancelled',
  ] as const);
  if (normalised === 'cancelled') {
    return {
      events: [],
      skipped: `the build was ${rawStatus}; cancelled builds are not recorded`,
    };
  }
  const buildId = str(values, 'build-id') as string;
  const startedAt = time(values, 'started-at');
  const finishedAt = time(values, 'finished-at') ?? now(ctx.io);
  return {
    events: [
      {
        id:
          str(values, 'id') ??
          eventId('build', subjectKey(subject), buildId, normalised),
        type: 'build',
        time: finishedAt,
        ...subject,
        build: compact({
          id: buildId,
          url: str(values, 'build-url'),
          repository: subject.repository,
          commitSha: sha(values, 'commit'),
          builder: str(values, 'builder'),
          buildType: str(values, 'build-type'),
          status: normalised,
          startedAt,
          finishedAt,
        }),
      },
    ],
  };
}

export function recordDeploy(
  values: ParsedValues,
  ctx: RecordContext,
): RecordResult {
  const subject = subjectOf(values);
  const deploymentId = str(values, 'deployment-id') as string;
  const deploymentStatus = status(str(values, 'status') as string, 'status', [
    'started',
    'succeeded',
    'failed',
    'rolled-back',
    'cancelled',
  ] as const);
  const started = deploymentStatus === 'started';
  const startedAt =
    time(values, 'started-at') ?? (started ? now(ctx.io) : undefined);
  const finishedAt = started
    ? time(values, 'finished-at')
    : time(values, 'finished-at') ?? now(ctx.io);

  const events: EventInput[] = [];
  const notes: string[] = [];
  let commitShas = list(values, 'commits')?.map(c => checkSha(c, '--commits'));
  const fromGit = str(values, 'commits-from-git');
  if (fromGit) {
    const range = parseRange(fromGit, '--commits-from-git');
    if (!subject.repository) {
      throw new UsageError(
        '--commits-from-git needs --repository for the commits event',
      );
    }
    if (range === undefined) {
      notes.push(
        `--commits-from-git ${fromGit} has no previous commit; the deployment is recorded without commits`,
      );
    } else {
      const commitsEvent = commitsEventFromGit(
        values,
        ctx,
        subject,
        range,
        undefined,
      );
      if (commitsEvent) {
        events.push(commitsEvent);
        const fromLog = (
          commitsEvent as { commits: Array<{ sha: string }> }
        ).commits.map(c => c.sha);
        commitShas = [...new Set([...(commitShas ?? []), ...fromLog])];
      } else {
        notes.push(`git log ${range} found no commits`);
      }
    }
  }

  const deployment = compact({
    id: deploymentId,
    environment: str(values, 'environment') as string,
    artifactDigest: digest(values, 'digest'),
    version: str(values, 'version'),
    commitSha: sha(values, 'commit'),
    commits: commitShas?.length ? commitShas : undefined,
    strategy: oneOf(values, 'strategy', deploymentStrategies),
    status: deploymentStatus,
    startedAt,
    finishedAt,
    actor: str(values, 'actor'),
    sourceSystem: str(values, 'source-system'),
    url: str(values, 'deployment-url'),
    rollbackOf: str(values, 'rollback-of'),
    replaces: str(values, 'replaces'),
    intent: oneOf(values, 'intent', changeIntents),
  });
  const type = started ? 'deployment.started' : 'deployment.finished';
  events.push({
    id:
      str(values, 'id') ??
      eventId(
        type,
        subjectKey(subject),
        deploymentId,
        started ? undefined : deploymentStatus,
      ),
    type,
    time: started ? startedAt : finishedAt,
    ...subject,
    deployment,
  } as EventInput);
  return { events, notes };
}

function commitsEventFromGit(
  values: ParsedValues,
  ctx: RecordContext,
  subject: Subject,
  range: string,
  explicitId: string | undefined,
): EventInput | undefined {
  const cwd = resolve(ctx.io.cwd, str(values, 'repo-dir') ?? '.');
  const commits = commitsInRange(ctx.io, range, cwd);
  if (commits.length === 0) return undefined;
  if (commits.length > MAX_COMMITS) {
    throw new CliError(
      `git log ${range} returned ${commits.length} commits; at most ${MAX_COMMITS} can be sent at once, narrow the range`,
    );
  }
  const repository = subject.repository as string;
  const shas = commits.map(c => c.sha).sort();
  return {
    id:
      explicitId ??
      eventId(
        'commits',
        repository,
        `${commits.length}`,
        shortHash(shas.join(','), 24),
      ),
    type: 'commits',
    ...subject,
    commits: commits.map(c =>
      compact({
        sha: c.sha,
        repository,
        committedAt: c.committedAt,
        authoredAt: c.authoredAt,
        title: c.title ? c.title.slice(0, 500) : undefined,
      }),
    ),
  };
}

export function recordCommits(
  values: ParsedValues,
  ctx: RecordContext,
): RecordResult {
  const subject = subjectOf(values);
  if (!subject.repository) {
    throw new UsageError('record commits needs --repository');
  }
  const raw = str(values, 'from-git') as string;
  const range = parseRange(raw, '--from-git');
  if (range === undefined) {
    return {
      events: [],
      skipped: `${raw} has no previous commit; nothing to record`,
    };
  }
  const event = commitsEventFromGit(
    values,
    ctx,
    subject,
    range,
    str(values, 'id'),
  );
  if (!event)
    return { events: [], skipped: `git log ${range} found no commits` };
  return { events: [event] };
}

export function recordIncident(
  values: ParsedValues,
  ctx: RecordContext,
): RecordResult {
  const [action, ...extra] = ctx.positionals;
  if (action !== 'open' && action !== 'resolve') {
    throw new UsageError(
      `record incident needs an action: open or resolve${
        action ? `, got "${action}"` : ''
      }`,
    );
  }
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const subject = subjectOf(values);
  const incidentId = str(values, 'incident-id') as string;
  const opened = action === 'open';
  const detectedAt =
    time(values, 'detected-at') ?? (opened ? now(ctx.io) : undefined);
  const resolvedAt =
    time(values, 'resolved-at') ?? (opened ? undefined : now(ctx.io));
  const type = opened ? 'incident.opened' : 'incident.resolved';
  return {
    events: [
      {
        id: str(values, 'id') ?? eventId(type, incidentId),
        type,
        time: opened ? detectedAt : resolvedAt,
        ...subject,
        incident: compact({
          id: incidentId,
          entityRefs: list(values, 'entity'),
          severity: str(values, 'severity'),
          title: str(values, 'title'),
          detectedAt,
          resolvedAt,
          deploymentId: str(values, 'deployment-id'),
          evidence: str(values, 'evidence'),
        }),
      } as EventInput,
    ],
  };
}

export function recordTests(
  values: ParsedValues,
  ctx: RecordContext,
): RecordResult {
  const subject = subjectOf(values);
  const files = list(values, 'junit');
  const report = files
    ? sumJUnit(
        files.map(file => {
          let xml: string;
          try {
            xml = ctx.io.readFile(resolve(ctx.io.cwd, file));
          } catch (error) {
            throw new CliError(
              `cannot read JUnit report ${file}: ${(error as Error).message}`,
            );
          }
          try {
            const summary = parseJUnit(xml);
            return {
              ...summary,
              name: summary.name ?? basename(file).replace(/\.xml$/i, ''),
            };
          } catch (error) {
            throw new UsageError(`${file}: ${(error as Error).message}`);
          }
        }),
      )
    : undefined;

  const suite = str(values, 'suite') ?? report?.name;
  if (!suite) throw new UsageError('missing required flag --suite');
  const outcome =
    oneOf(values, 'outcome', [
      'passed',
      'failed',
      'error',
      'skipped',
    ] as const) ?? (report ? junitOutcome(report) : undefined);
  if (!outcome) {
    throw new UsageError(
      'give --outcome or a --junit report to derive it from',
    );
  }
  const total = nonNegativeInt(values, 'total') ?? report?.tests;
  const failures =
    nonNegativeInt(values, 'failures') ??
    (report ? report.failures + report.errors : undefined);

  const buildId = str(values, 'build-id');
  const commitSha = sha(values, 'commit');
  const artifactDigest = digest(values, 'digest');
  const environment = str(values, 'environment');
  const reference = buildId ?? commitSha ?? artifactDigest;
  const runId =
    str(values, 'run-id') ??
    (reference ? eventId(suite, reference, environment) : undefined);
  if (!runId) {
    throw new UsageError(
      'give --run-id, --build-id, --commit or --digest so the test run has a stable id',
    );
  }
  const finishedAt = time(values, 'finished-at') ?? now(ctx.io);
  return {
    events: [
      {
        id:
          str(values, 'id') ??
          eventId('test.run', subjectKey(subject), runId, outcome),
        type: 'test.run',
        time: finishedAt,
        ...subject,
        testRun: compact({
          id: runId,
          suite,
          outcome,
          buildId,
          commitSha,
          artifactDigest,
          environment,
          total,
          failures,
          startedAt: time(values, 'started-at'),
          finishedAt,
          url: str(values, 'test-url'),
        }),
      },
    ],
  };
}

const DSSE_MEDIA_TYPE = 'application/vnd.dsse.envelope.v1+json';

export function recordArtifact(
  values: ParsedValues,
  ctx: RecordContext,
): RecordResult {
  const subject = subjectOf(values);
  const artifactDigest = digest(values, 'digest') as string;
  const mediaTypeFlag = str(values, 'attestation-media-type');
  const attestations = list(values, 'attestation')?.map(file => {
    let content: unknown;
    try {
      content = JSON.parse(ctx.io.readFile(resolve(ctx.io.cwd, file)));
    } catch (error) {
      throw new CliError(
        `cannot read attestation ${file}: ${(error as Error).message}`,
      );
    }
    if (!content || typeof content !== 'object' || Array.isArray(content)) {
      throw new UsageError(`attestation ${file} must be a JSON object`);
    }
    const object = content as Record<string, unknown>;
    const mediaType =
      mediaTypeFlag ??
      (typeof object.mediaType === 'string' ? object.mediaType : undefined) ??
      ('payloadType' in object && 'signatures' in object
        ? DSSE_MEDIA_TYPE
        : undefined);
    if (!mediaType) {
      throw new UsageError(
        `cannot tell the media type of ${file}; pass --attestation-media-type`,
      );
    }
    return { mediaType, content: object };
  });
  const createdAt = time(values, 'created-at') ?? now(ctx.io);
  return {
    events: [
      {
        id:
          str(values, 'id') ??
          eventId('artifact', subjectKey(subject), artifactDigest),
        type: 'artifact',
        time: createdAt,
        ...subject,
        artifact: compact({
          digest: artifactDigest,
          name: str(values, 'name') as string,
          purl: str(values, 'purl'),
          buildId: str(values, 'build-id'),
          commitSha: sha(values, 'commit'),
          repository: subject.repository,
          createdAt,
        }),
        ...(attestations?.length ? { attestations } : {}),
      },
    ],
  };
}

export const recordBuilders: Record<
  string,
  (values: ParsedValues, ctx: RecordContext) => RecordResult
> = {
  build: recordBuild,
  deploy: recordDeploy,
  incident: recordIncident,
  tests: recordTests,
  commits: recordCommits,
  artifact: recordArtifact,
};
