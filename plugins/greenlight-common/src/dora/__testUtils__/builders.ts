import { DoraDeployment, DoraIncident } from '../types';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Epoch ms of a UTC time written without the zone, e.g. `2026-01-05T10:00`. */
export function at(isoWithoutZone: string): number {
  const time = Date.parse(`${isoWithoutZone}Z`);
  if (!Number.isFinite(time)) throw new Error(`bad time ${isoWithoutZone}`);
  return time;
}

/** A successful planned production deployment finished at `finishedAt`. */
export function deploy(
  id: string,
  finishedAt: number,
  overrides: Partial<DoraDeployment> = {},
): DoraDeployment {
  return {
    id,
    entityRef: 'component:default/payments',
    environment: 'prod',
    tier: 'production',
    status: 'succeeded',
    intent: 'planned',
    startedAt: finishedAt - 10 * MINUTE,
    finishedAt,
    commitTimes: [],
    ...overrides,
  };
}

export function incident(
  id: string,
  detectedAt: number,
  overrides: Partial<DoraIncident> = {},
): DoraIncident {
  return {
    id,
    entityRefs: ['component:default/payments'],
    detectedAt,
    ...overrides,
  };
}
