import { stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { IngestionSource } from '@greenlight/backstage-plugin-greenlight-node';
import { z } from 'zod';
import {
  ENVIRONMENT_ANNOTATION,
  HANDLED_EVENT_TYPES,
  HandledEventType,
  incidentDataSchema,
  ledgerIncidentId,
  mapIncidentEvent,
  reopenedId,
  SERVICE_ID_ANNOTATION,
  webhookPayloadSchema,
} from './mapIncident';
import { PagerDutySettings } from './settings';
import { verifyPagerDutySignature } from './signature';

function parse<T>(schema: z.ZodType<T>, value: unknown, prefix: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues
    .slice(0, 5)
    .map(i => `${[prefix, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new InputError(
    `Not a PagerDuty V3 incident webhook: ${issues.join('; ')}`,
  );
}

const isHandled = (type: string): type is HandledEventType =>
  (HANDLED_EVENT_TYPES as readonly string[]).includes(type);

/**
 * PagerDuty's V3 webhook subscriptions as an ingestion source: incidents of a PagerDuty
 * service become ledger incidents of the entities whose `pagerduty.com/service-id` names it.
 */
export function createPagerDutySource(
  settings: PagerDutySettings,
): IngestionSource {
  return {
    id: 'pagerduty',
    annotations: [SERVICE_ID_ANNOTATION],
    webhook: {
      authenticate({ headers, rawBody }) {
        return verifyPagerDutySignature(
          headers['x-pagerduty-signature'],
          rawBody,
          settings.secrets,
        );
      },
      async handle({ body }, context) {
        const { event } = parse(webhookPayloadSchema, body, 'body');
        if (!isHandled(event.event_type)) {
          return {
            batches: [],
            ignoredReason: `PagerDuty ${event.event_type} events are not recorded`,
          };
        }
        const incident = parse(incidentDataSchema, event.data, 'event.data');
        const entities = await context.findEntities(
          SERVICE_ID_ANNOTATION,
          incident.service.id,
        );
        if (entities.length === 0) {
          return {
            batches: [],
            ignoredReason: `no entity carries ${SERVICE_ID_ANNOTATION}: ${incident.service.id}`,
          };
        }
        const refs = entities
          .map(e => stringifyEntityRef(e).toLocaleLowerCase('en-US'))
          .sort();
        const first = entities.find(
          e => stringifyEntityRef(e).toLocaleLowerCase('en-US') === refs[0],
        )!;

        let ledgerId = ledgerIncidentId(incident.id);
        const reopening = `reopened:${incident.id}`;
        if (event.event_type === 'incident.reopened') {
          ledgerId = reopenedId(incident.id, event.id);
        } else if (event.event_type === 'incident.resolved') {
          ledgerId = (await context.state.get<string>(reopening)) ?? ledgerId;
        }

        const environment =
          first.metadata.annotations?.[ENVIRONMENT_ANNOTATION] ??
          settings.serviceEnvironments[incident.service.id] ??
          settings.environment;
        const mapped = mapIncidentEvent({
          eventType: event.event_type,
          eventId: event.id,
          occurredAt: event.occurred_at,
          incident,
          ledgerId,
          environment,
        });
        // One event for every entity of the service: each shares the same PagerDuty incident.
        if (
          mapped.type === 'incident.opened' ||
          mapped.type === 'incident.resolved'
        ) {
          mapped.incident.entityRefs = refs;
        }
        const batch = { entityRef: refs[0], events: [mapped] };
        if (event.event_type === 'incident.reopened') {
          // The next resolution closes this reopening, so the pointer moves only once the
          // reopening is in the ledger: a refused one (a 400 or 403) leaves it where it was.
          // `ingest` validates and writes in one transaction, and throws on refusal; the
          // route's write of the same batch then finds the event held (a duplicate). A
          // redelivery after a failure between the two writes writes the same pointer again.
          await context.ingest(batch);
          await context.state.set(reopening, ledgerId);
        }
        return { batches: [batch] };
      },
    },
  };
}
