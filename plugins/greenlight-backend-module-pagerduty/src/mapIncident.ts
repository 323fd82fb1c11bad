import type { GreenlightEventInput } from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';

/** The annotation of the PagerDuty Backstage plugin: the id of the entity's PagerDuty service. */
export const SERVICE_ID_ANNOTATION = 'pagerduty.com/service-id';
/** Overrides, for one entity, the environment its PagerDuty incidents are recorded in. */
export const ENVIRONMENT_ANNOTATION = 'greenlight.dev/incident-environment';

/** The V3 event types this source maps; every other one is answered 202 and ignored. */
export const HANDLED_EVENT_TYPES = [
  'incident.triggered',
  'incident.acknowledged',
  'incident.reopened',
  'incident.resolved',
] as const;
export type HandledEventType = (typeof HANDLED_EVENT_TYPES)[number];

const reference = z.object({ id: z.string().min(1).max(64) });

/** The parts of a V3 webhook payload (`event` with an `incident` as `data`) the mapping reads. */
export const webhookPayloadSchema = z.object({
  event: z.object({
    id: z.string().min(1).max(100),
    event_type: z.string().min(1).max(100),
    occurred_at: z.iso.datetime({ offset: true }),
    data: z.unknown(),
  }),
});

export const incidentDataSchema = z.object({
  id: z.string().min(1).max(64),
  type: z.literal('incident'),
  title: z.string().max(2000).nullish(),
  created_at: z.iso.datetime({ offset: true }).nullish(),
  urgency: z.string().max(32).nullish(),
  priority: z.object({ summary: z.string().max(32) }).nullish(),
  service: reference,
});
export type PagerDutyIncident = z.infer<typeof incidentDataSchema>;

/** The ledger's id of a PagerDuty incident; a reopening is its own incident (see `reopenedId`). */
export const ledgerIncidentId = (incidentId: string) =>
  `pagerduty-${incidentId}`;
/** A reopened incident failed again after it was resolved: a second failure, with its own times. */
export const reopenedId = (incidentId: string, eventId: string) =>
  `pagerduty-${incidentId}-reopened-${eventId}`;

/** The priority's name (P1…) when the account uses priorities, else the urgency (high, low). */
export function severityOf(incident: PagerDutyIncident): string | undefined {
  return incident.priority?.summary ?? incident.urgency ?? undefined;
}

/**
 * One webhook event as native incident events. `ledgerId` is the ledger incident this event
 * is about: the PagerDuty incident's own, or the reopening it resolves.
 */
export function mapIncidentEvent(input: {
  eventType: HandledEventType;
  eventId: string;
  occurredAt: string;
  incident: PagerDutyIncident;
  ledgerId: string;
  environment: string;
}): GreenlightEventInput {
  const { incident, occurredAt, environment, ledgerId } = input;
  const common = {
    id: ledgerId,
    title: incident.title ? incident.title.slice(0, 500) : undefined,
    severity: severityOf(incident),
    environment,
  };
  switch (input.eventType) {
    case 'incident.triggered':
    case 'incident.acknowledged':
      // Acknowledging opens the incident too, for a subscription that missed the trigger;
      // both carry the same facts, so they share one event id and the second is a duplicate.
      return {
        id: `opened-${incident.id}`,
        type: 'incident.opened',
        time: occurredAt,
        incident: {
          ...common,
          detectedAt: incident.created_at ?? occurredAt,
        },
      };
    case 'incident.reopened':
      return {
        id: `reopened-${input.eventId}`,
        type: 'incident.opened',
        time: occurredAt,
        incident: { ...common, detectedAt: occurredAt },
      };
    case 'incident.resolved':
    default:
      return {
        id: `resolved-${input.eventId}`,
        type: 'incident.resolved',
        time: occurredAt,
        incident: {
          ...common,
          // A reopening was detected when it reopened, which its own opened event holds.
          detectedAt:
            ledgerId === ledgerIncidentId(incident.id)
              ? incident.created_at ?? undefined
              : undefined,
          resolvedAt: occurredAt,
        },
      };
  }
}
