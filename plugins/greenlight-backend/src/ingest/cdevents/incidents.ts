import { z } from 'zod';
import { purlDigest } from '../purl';
import {
  Mapper,
  optionalPurl,
  readContent,
  reference,
  subjectFields,
} from './mapperKit';

const incidentContent = z.object({
  description: z.string().optional(),
  environment: reference.optional(),
  service: reference.optional(),
  artifactId: z.string().optional(),
});

/**
 * Environment and artifact are passed on as the incident's placement: the ledger
 * attributes it to the deployment of that artifact running in that environment when it
 * was detected. They are also kept readable in `evidence`.
 */
function evidenceOf(
  environment?: string,
  artifactId?: string,
): string | undefined {
  const parts = [
    environment && `environment ${environment}`,
    artifactId && `artifact ${artifactId}`,
  ].filter(Boolean);
  return parts.length ? `reported in ${parts.join(', running ')}` : undefined;
}

/** incident.detected and incident.reported both open an incident; the incident id is the subject id. */
export const mapIncidentOpened: Mapper = ({ event, hints }) => {
  const read = readContent(incidentContent, event);
  if (!read.ok) return read.translation;
  const { description, environment, service, artifactId } = read.content;
  const purl = optionalPurl(artifactId);
  return {
    events: [
      {
        type: 'incident.opened',
        time: event.context.timestamp,
        ...subjectFields(hints, { serviceId: service?.id, purl }),
        incident: {
          id: event.subject.id,
          entityRefs: hints.entityRef ? [hints.entityRef] : undefined,
          severity: hints.severity,
          title: description?.slice(0, 500) || undefined,
          detectedAt: event.context.timestamp,
          evidence: evidenceOf(environment?.id, artifactId)?.slice(0, 2000),
          environment: environment?.id,
          artifactDigest: purl && purlDigest(purl),
        },
      },
    ],
  };
};

/**
 * The resolution's description says how it ended, not what the incident was, so it
 * does not overwrite the title.
 */
export const mapIncidentResolved: Mapper = ({ event, hints }) => {
  const read = readContent(incidentContent, event);
  if (!read.ok) return read.translation;
  const { service, artifactId } = read.content;
  return {
    events: [
      {
        type: 'incident.resolved',
        time: event.context.timestamp,
        ...subjectFields(hints, {
          serviceId: service?.id,
          purl: optionalPurl(artifactId),
        }),
        incident: {
          id: event.subject.id,
          entityRefs: hints.entityRef ? [hints.entityRef] : undefined,
          resolvedAt: event.context.timestamp,
        },
      },
    ],
  };
};
