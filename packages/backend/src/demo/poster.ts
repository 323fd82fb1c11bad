import { AuthService, DiscoveryService } from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';

/**
 * Posts events through Greenlight's public ingestion API, the path a real pipeline
 * uses, with a token for this backend's own service identity.
 */
export class DemoPoster {
  constructor(private readonly deps: { discovery: DiscoveryService; auth: AuthService }) {}

  async post(events: GreenlightEvent[]): Promise<{ accepted: number; duplicates: number }> {
    const base = await this.deps.discovery.getBaseUrl('greenlight');
    let accepted = 0;
    let duplicates = 0;
    for (let i = 0; i < events.length; i += 500) {
      const { token } = await this.deps.auth.getPluginRequestToken({
        onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
        targetPluginId: 'greenlight',
      });
      const response = await fetch(`${base}/v1/events`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ events: events.slice(i, i + 500) }),
      });
      if (!response.ok) throw await ResponseError.fromResponse(response);
      const body = (await response.json()) as { accepted: number; duplicates: number };
      accepted += body.accepted;
      duplicates += body.duplicates;
    }
    return { accepted, duplicates };
  }

  async get<T>(path: string): Promise<T> {
    const base = await this.deps.discovery.getBaseUrl('greenlight');
    const { token } = await this.deps.auth.getPluginRequestToken({
      onBehalfOf: await this.deps.auth.getOwnServiceCredentials(),
      targetPluginId: 'greenlight',
    });
    const response = await fetch(`${base}${path}`, { headers: { Authorization: `Bearer ${token}` } });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }
}
