import {
  generateHistory,
  GreenlightEvent,
} from '@greenlight/backstage-plugin-greenlight-common';
import { DemoKeys, signedProvenance } from './attestations';
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
  const signing = new Map(DEMO_SERVICES.map(s => [s.name, s.signing]));
  return events.map(event => {
    if (event.type !== 'artifact') return event;
    const mode = signing.get(event.serviceId ?? '') ?? 'none';
    if (mode === 'none') return event;
    const { artifact } = event;
    return {
      ...event,
      attestations: [
        signedProvenance({
          key: mode === 'untrusted' ? keys.untrusted : keys.trusted,
          keyId: mode === 'untrusted' ? 'unknown-signer' : 'demo-release-signer',
          name: artifact.name,
          digest: artifact.digest,
          repository: artifact.repository ?? DEMO_REPOSITORY(artifact.name),
          commitSha: artifact.commitSha ?? '0'.repeat(40),
          buildId: artifact.buildId ?? artifact.digest,
          tamper: mode === 'tampered',
        }),
      ],
    };
  });
}
