import type { GreenlightEventInput } from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';

/** The annotation of the Opsgenie Backstage plugin; see `selector.ts` for what is matched. */
export const SELECTOR_ANNOTATION = 'opsgenie.com/component-selector';

/** Actions that open an incident (Acknowledge, for an integration that missed the Create). */
const OPENING = new Set(['Create', 'Acknowledge']);
const CLOSING = new Set(['Close']);

export const webhookPayloadSchema = z.object({
  action: z.string().min(1).max(100),
  alert: z.unknown(),
});

/** Opsgenie reports `updatedAt` in nanoseconds; anything past year 5000 in ms must be finer. */
export function epochMillis(value: number): number {
  if (value > 1e17) return Math.round(value / 1e6);
  if (value > 1e14) return Math.round(value / 1e3);
  return value;
}

/**
 * The last millisecond the ledger can hold: its times are ISO 8601 with a four-digit year.
 * A later one (or one past `Date`'s range, where `toISOString` throws) is refused as a `400`
 * naming the field, before anything is mapped or written.
 */
const LAST_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const TIME_RANGE = 'must be a time between 1970 and the end of year 9999';

export const alertSchema = z.object({
  alertId: z.string().min(1).max(100),
  message: z.string().max(10_000).nullish(),
  tags: z.array(z.string().max(1000)).max(100).nullish(),
  entity: z.string().max(1000).nullish(),
  priority: z.string().max(32).nullish(),
  /** Epoch milliseconds. */
  createdAt: z.number().int().nonnegative().max(LAST_TIME_MS, TIME_RANGE),
  /** Epoch nanoseconds in Opsgenie's examples; milliseconds are accepted too. */
  updatedAt: z
    .number()
    .nonnegative()
    .refine(value => epochMillis(value) <= LAST_TIME_MS, TIME_RANGE)
    .nullish(),
});
export type OpsgenieAlert = z.infer<typeof alertSchema>;

export const ledgerIncidentId = (alertId: string) => `opsgenie-${alertId}`;

export type MappedAction = 'opened' | 'resolved' | undefined;

export function mappedAction(action: string): MappedAction {
  if (OPENING.has(action)) return 'opened';
  if (CLOSING.has(action)) return 'resolved';
  return undefined;
}

/** One alert action as a native incident event. */
export function mapAlert(input: {
  action: 'opened' | 'resolved';
  alert: OpsgenieAlert;
  environment: string;
  entityRefs: string[];
  receivedAt: number;
}): GreenlightEventInput {
  const { alert } = input;
  const detectedAt = new Date(alert.createdAt).toISOString();
  const incident = {
    id: ledgerIncidentId(alert.alertId),
    entityRefs: input.entityRefs,
    title: alert.message ? alert.message.slice(0, 500) : undefined,
    severity: alert.priority ?? undefined,
    environment: input.environment,
    detectedAt,
  };
  if (input.action === 'opened') {
    return {
      id: `opened-${alert.alertId}`,
      type: 'incident.opened',
      time: detectedAt,
      incident,
    };
  }
  // A Close delivery's last update is the closing; without one it is dated on arrival.
  const resolvedAt = new Date(
    alert.updatedAt ? epochMillis(alert.updatedAt) : input.receivedAt,
  ).toISOString();
  return {
    id: `closed-${alert.alertId}`,
    type: 'incident.resolved',
    time: resolvedAt,
    incident: { ...incident, resolvedAt },
  };
}
