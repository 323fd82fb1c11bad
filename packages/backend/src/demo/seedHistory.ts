import {
  generateHistory,
  GreenlightEvent,
} from '@greenlight/backstage-plugin-greenlight-common';
import { DemoKeys, withDemoAttestations } from './attestations';
import { DEMO_REPOSITORY, DEMO_SERVICES } from './demoServices';

const DAY = 86_400_000;
export const DEMO_HISTORY_DAYS = 180;

/**
 * 180 days of delivery history for the demo organisation, ending at the last UTC
 * midnight. Ids come from a fixed seed, so posting it again (after a restart, or the
 * next day) only produces duplicates, which the ledger ignores.
 */
export function demoHistory(now: number, keys: DemoKeys): GreenlightEvent[] {
  const end = Math.floor(now / DAY) * DAY;
  const events = generateHistory({
    seed: 180,
    start: end - DEMO_HISTORY_DAYS * DAY,
    days: DEMO_HISTORY_DAYS,
    services: DEMO_SERVICES.map(s => ({
      serviceId: s.name,
      repository: DEMO_REPOSITORY(s.name),
      artifactPurl: `pkg:oci/acme/${s.name}`,
      profile: s.profile,
    })),
  });
  return withDemoAttestations(events, keys);
}
