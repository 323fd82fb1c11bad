/*
 * PagerDuty V3 webhook payloads, shaped as in PagerDuty's developer documentation
 * "Webhooks › Overview" (V3 webhooks, sections "Webhook Payload" and "Event Data Types ›
 * incident"), https://developer.pagerduty.com/docs/webhooks/v3-overview/ . Only the ids,
 * times and titles differ.
 */

const service = {
  html_url: 'https://acme.pagerduty.com/services/PF9KMXH',
  id: 'PF9KMXH',
  self: 'https://api.pagerduty.com/services/PF9KMXH',
  summary: 'Checkout API',
  type: 'service_reference',
};

/** `event.data` of type `incident`, as the documentation's incident example. */
export function incidentData(
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: 'PGR0VU2',
    type: 'incident',
    self: 'https://api.pagerduty.com/incidents/PGR0VU2',
    html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
    number: 2,
    status: 'triggered',
    incident_key: 'd3640fbd41094207a1c11e58e46b1662',
    created_at: '2026-11-30T10:05:00Z',
    title: 'Checkout error rate above 5%',
    service,
    assignees: [
      {
        html_url: 'https://acme.pagerduty.com/users/PTUXL6G',
        id: 'PTUXL6G',
        self: 'https://api.pagerduty.com/users/PTUXL6G',
        summary: 'User 123',
        type: 'user_reference',
      },
    ],
    escalation_policy: {
      html_url: 'https://acme.pagerduty.com/escalation_policies/PUS0KTE',
      id: 'PUS0KTE',
      self: 'https://api.pagerduty.com/escalation_policies/PUS0KTE',
      summary: 'Default',
      type: 'escalation_policy_reference',
    },
    teams: [
      {
        html_url: 'https://acme.pagerduty.com/teams/PFCVPS0',
        id: 'PFCVPS0',
        self: 'https://api.pagerduty.com/teams/PFCVPS0',
        summary: 'Engineering',
        type: 'team_reference',
      },
    ],
    priority: {
      html_url: 'https://acme.pagerduty.com/account/incident_priorities',
      id: 'PSO75BM',
      self: 'https://api.pagerduty.com/priorities/PSO75BM',
      summary: 'P1',
      type: 'priority_reference',
    },
    urgency: 'high',
    conference_bridge: {
      conference_number: '+1 1234123412,,987654321#',
      conference_url: 'https://example.com',
    },
    resolve_reason: null,
    ...overrides,
  };
}

/** A whole delivery: one `event` wrapping `data`, as the documentation's payload example. */
export function webhookPayload(
  eventType: string,
  options: {
    eventId?: string;
    occurredAt?: string;
    data?: Record<string, unknown>;
  } = {},
) {
  return {
    event: {
      id: options.eventId ?? `01${eventType.replace(/\W/g, '').toUpperCase()}`,
      event_type: eventType,
      resource_type: 'incident',
      occurred_at: options.occurredAt ?? '2026-11-30T10:05:00.000Z',
      agent: {
        html_url: 'https://acme.pagerduty.com/users/PLH1HKV',
        id: 'PLH1HKV',
        self: 'https://api.pagerduty.com/users/PLH1HKV',
        summary: 'Tenex Engineer',
        type: 'user_reference',
      },
      client: { name: 'PagerDuty' },
      data: options.data ?? incidentData(),
    },
  };
}

/** An `incident.annotated` delivery: its `data` is an `incident_note`, which is not recorded. */
export const annotatedPayload = {
  event: {
    id: '01ANNOTATED',
    event_type: 'incident.annotated',
    resource_type: 'incident',
    occurred_at: '2026-11-30T10:20:00.000Z',
    agent: null,
    client: null,
    data: {
      incident: {
        html_url: 'https://acme.pagerduty.com/incidents/PGR0VU2',
        id: 'PGR0VU2',
        self: 'https://api.pagerduty.com/incidents/PGR0VU2',
        summary: 'Checkout error rate above 5%',
        type: 'incident_reference',
      },
      id: 'P2LA89X',
      content: 'Rolled back at 10:40',
      trimmed: false,
      type: 'incident_note',
    },
  },
};
