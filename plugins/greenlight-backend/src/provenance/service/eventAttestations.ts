import type { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import type { IncomingAttestation } from './AttestationService';

type StoredArtifactEvent = {
  id: string;
  entityRef: string | null;
  actor: string;
  event: GreenlightEvent;
};

/** The attestations that artifact events carried (natively, or mapped from CDEvents). */
export function attestationsOfEvents(
  rows: StoredArtifactEvent[],
): IncomingAttestation[] {
  return rows.flatMap(row => {
    const event = row.event;
    if (event.type !== 'artifact' || !event.attestations?.length) return [];
    return event.attestations.map(a => ({
      artifactDigest: event.artifact.digest,
      mediaType: a.mediaType,
      content: a.content,
      entityRef: row.entityRef,
      sourceEventId: row.id,
      receivedBy: row.actor,
    }));
  });
}
