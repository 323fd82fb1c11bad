import { Entity } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';

/**
 * A hand-built CDEvents v0.4.1 stream for one service, as Tekton, Jenkins, Keptn or Argo
 * would emit it: no Greenlight-specific customData at all. Each variant gets its own
 * service and event source, so several variants can share one ledger.
 */
export const ORG = 'acme';
const CHANGE_SOURCE = 'https://github.com';

export const streamTime = (day: string, time: string) =>
  `2026-03-${day}T${time}:00Z`;

/** A content digest standing for artifact `n` of a service. */
export const digestOf = (service: string, n: number) =>
  `sha256:${createHash('sha256').update(`${service}/${n}`).digest('hex')}`;

export function streamEntity(service: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: service,
      namespace: 'default',
      annotations: { 'greenlight.dev/service-id': service },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/core',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/core' }],
  };
}

export function cdeventsStream(service: string) {
  const source = `/tekton/${service}`;
  let n = 0;
  const event = (type: string, timestamp: string, subject: object) => ({
    context: {
      version: '0.4.1',
      id: `${service}-${++n}`,
      source,
      type: `dev.cdevents.${type}.0.2.0`,
      timestamp,
    },
    subject,
  });
  const purl = (a: number) =>
    `pkg:oci/${service}@${digestOf(service, a).replace(':', '%3A')}`;
  const changeMerged = (id: string, at: string) =>
    event('change.merged', at, {
      id,
      source: CHANGE_SOURCE,
      type: 'change',
      content: {
        repository: { id: `${ORG}/${service}`, source: CHANGE_SOURCE },
      },
    });
  const packaged = (a: number, change: string, at: string) =>
    event('artifact.packaged', at, {
      id: purl(a),
      type: 'artifact',
      content: { change: { id: change, source: CHANGE_SOURCE } },
    });
  const deployed = (a: number, environment: string, at: string) =>
    event('service.deployed', at, {
      id: service,
      type: 'service',
      content: { environment: { id: environment }, artifactId: purl(a) },
    });
  const incident = (
    type: 'detected' | 'resolved',
    id: string,
    a: number,
    at: string,
  ) =>
    event(`incident.${type}`, at, {
      id: `${service}-${id}`,
      type: 'incident',
      content: {
        description: `${id} on ${service}`,
        environment: { id: 'production' },
        service: { id: service },
        artifactId: purl(a),
      },
    });
  const rolledBack = (a: number, at: string) =>
    event('service.rolledback', at, {
      id: service,
      type: 'service',
      content: { environment: { id: 'production' }, artifactId: purl(a) },
    });
  const t = streamTime;
  const events = [
    changeMerged('101', t('02', '08:00')),
    packaged(1, '101', t('02', '08:30')),
    deployed(1, 'staging', t('02', '09:00')),
    deployed(1, 'production', t('02', '11:00')),
    changeMerged('102', t('03', '09:00')),
    packaged(2, '102', t('03', '09:30')),
    deployed(2, 'staging', t('03', '10:00')),
    deployed(2, 'production', t('03', '14:00')),
    changeMerged('103', t('04', '10:00')),
    packaged(3, '103', t('04', '10:30')),
    deployed(3, 'production', t('04', '12:00')),
    incident('detected', 'inc-1', 3, t('04', '13:00')),
    incident('detected', 'inc-2', 2, t('04', '13:30')),
    incident('resolved', 'inc-1', 3, t('04', '15:00')),
    changeMerged('104', t('05', '06:00')),
    packaged(4, '104', t('05', '06:30')),
    deployed(4, 'production', t('05', '09:00')),
  ];
  return {
    source,
    events,
    /** The rollback of the deployment of artifact 4, back to artifact 3. */
    rollback: rolledBack(3, t('06', '10:00')),
    deploymentIdOf: (index: number) => `${service}-${index + 1}@${source}`,
  };
}

/** A deterministic shuffle (mulberry32), so a failure can be replayed. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
