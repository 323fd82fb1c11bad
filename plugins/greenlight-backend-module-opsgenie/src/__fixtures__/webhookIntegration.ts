/*
 * Opsgenie outgoing webhook integration payloads, shaped as in Opsgenie's documentation
 * "Webhook Integration" (Opsgenie docs v1.0, section "Sample webhook payloads",
 * https://docs.opsgenie.com/docs/webhook-integration): `action`, the `alert` subset
 * (alertId, message, tags, tinyId, entity, alias, createdAt in epoch milliseconds,
 * updatedAt in epoch nanoseconds, username, userId, description, priority, source…),
 * `source` and the integration's name, id and type. Only ids, times and texts differ.
 */

export function alert(overrides: Record<string, unknown> = {}) {
  return {
    alertId: '8418d193-2dab-4490-b331-8c02cdd196b7-1796033100000',
    message: 'Checkout p99 latency above 2 s',
    tags: ['service:checkout', 'OverwriteQuietHours'],
    tinyId: '1791',
    entity: 'checkout-api',
    alias: 'checkout-latency',
    createdAt: 1796033100000, // 2026-11-30T10:05:00Z
    updatedAt: 1796033100073000000,
    username: 'Alert API',
    userId: '4f10b45e-9f7b-4d41-9e2e-0a5b3d6a1c2e',
    description: 'p99 of checkout requests over 5 minutes',
    team: 'team-a',
    responders: [
      {
        id: '4513b7ea-3b91-438f-b7e4-e3e54af9147c',
        type: 'team',
        name: 'team-a',
      },
    ],
    teams: ['4513b7ea-3b91-438f-b7e4-e3e54af9147c'],
    actions: ['Restart'],
    details: { region: 'eu-west-1' },
    priority: 'P2',
    source: 'prometheus',
    ...overrides,
  };
}

export function webhookPayload(
  action: string,
  alertOverrides: Record<string, unknown> = {},
) {
  return {
    action,
    alert: alert(alertOverrides),
    source: { name: 'Prometheus', type: 'API' },
    integrationName: 'Greenlight',
    integrationId: '733388de-2ac1-4d70-8a2e-82834cb679d6',
    integrationType: 'Webhook',
  };
}
