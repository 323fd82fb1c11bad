import { finalize, firstIssue, IngestOutcome } from '../outcome';
import {
  mapArtifactPackaged,
  mapArtifactPublished,
  mapArtifactSigned,
} from './artifacts';
import { mapBuildFinished, mapPipelineRunFinished } from './builds';
import { mapChangeMerged } from './changes';
import { readHints } from './customData';
import { cdeventIdentity } from './identity';
import {
  mapServiceDeployed,
  mapServiceRemoved,
  mapServiceRolledBack,
  mapServiceUpgraded,
} from './deployments';
import { cdeventEnvelopeSchema, subjectPredicate } from './envelope';
import { mapIncidentOpened, mapIncidentResolved } from './incidents';
import { Mapper } from './mapperKit';
import { specVersionOf } from './specVersions';
import { mapTestSuiteRunFinished } from './testRuns';

/** `<subject>.<predicate>` → mapper. Every other CDEvents type is ignored. */
const MAPPERS: Record<string, Mapper> = {
  'service.deployed': mapServiceDeployed,
  'service.upgraded': mapServiceUpgraded,
  'service.rolledback': mapServiceRolledBack,
  'service.removed': mapServiceRemoved,
  'artifact.packaged': mapArtifactPackaged,
  'artifact.published': mapArtifactPublished,
  'artifact.signed': mapArtifactSigned,
  'build.finished': mapBuildFinished,
  'pipelinerun.finished': mapPipelineRunFinished,
  'change.merged': mapChangeMerged,
  'incident.detected': mapIncidentOpened,
  'incident.reported': mapIncidentOpened,
  'incident.resolved': mapIncidentResolved,
  'testsuiterun.finished': mapTestSuiteRunFinished,
};

/** The CDEvents types (`<subject>.<predicate>`) that can produce Greenlight events. */
export const MAPPED_CDEVENT_TYPES = Object.keys(MAPPERS);

export type CdeventTranslation = IngestOutcome & {
  eventId?: string;
  cdeventType?: string;
};

/** Translates one CDEvent (already unwrapped from any CloudEvents envelope). */
export function translateCdevent(raw: unknown): CdeventTranslation {
  const known = peek(raw);
  const parsed = cdeventEnvelopeSchema.safeParse(raw);
  if (!parsed.success) {
    return { ...known, outcome: 'invalid', ...firstIssue(parsed.error) };
  }
  const event = parsed.data;
  const ids = { eventId: event.context.id, cdeventType: event.context.type };
  const kind = subjectPredicate(event.context.type);
  const mapper = MAPPERS[kind];
  if (!mapper) {
    return {
      ...ids,
      outcome: 'ignored',
      reason: `${kind} events are not used by Greenlight`,
    };
  }
  const translation = mapper({
    event,
    version: specVersionOf(event.context),
    hints: readHints(event.customData),
  });
  return {
    ...ids,
    ...finalize(cdeventIdentity(event.context), translation, 'context.id'),
  };
}

/** Id and type of an event that failed validation, when they can be read at all. */
function peek(raw: unknown): { eventId?: string; cdeventType?: string } {
  const context = (raw as { context?: Record<string, unknown> } | null)
    ?.context;
  if (typeof context !== 'object' || context === null) return {};
  return {
    eventId: typeof context.id === 'string' ? context.id : undefined,
    cdeventType: typeof context.type === 'string' ? context.type : undefined,
  };
}
