import { GeneratedService } from '@greenlight/backstage-plugin-greenlight-common';

/** A few services of every delivery profile, named like the demo organisation's. */
export function sampleServices(count: number): GeneratedService[] {
  const profiles = ['elite', 'high', 'medium', 'low'] as const;
  return Array.from({ length: count }, (_, i) => ({
    serviceId: `svc-${i}`,
    repository: `github.com/acme/svc-${i}`,
    artifactPurl: `pkg:oci/acme/svc-${i}`,
    profile: profiles[i % profiles.length],
  }));
}

/** Maps `svc-N` to `component:default/svc-N`, like the catalog would by annotation. */
export const staticResolver = {
  async resolve(keys: { entityRef?: string; serviceId?: string }) {
    if (keys.entityRef) return keys.entityRef;
    return keys.serviceId ? `component:default/${keys.serviceId}` : null;
  },
};
