import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading Greenlight data of an entity; checked together with catalog read access.
 *
 * @public
 */
export const greenlightReadPermission = createPermission({
  name: 'greenlight.release.read',
  attributes: { action: 'read' },
});

/**
 * Rolling back, pausing, resuming or promoting a rollout by hand.
 *
 * @public
 */
export const greenlightRolloutActionPermission = createPermission({
  name: 'greenlight.rollout.action',
  attributes: { action: 'update' },
});

/**
 * Overriding a failed gate or a blocked readiness decision.
 *
 * @public
 */
export const greenlightOverridePermission = createPermission({
  name: 'greenlight.gate.override',
  attributes: { action: 'update' },
});

/**
 * Pulling or lifting the emergency stop of an environment or the whole organisation.
 *
 * @public
 */
export const greenlightEmergencyStopPermission = createPermission({
  name: 'greenlight.emergencystop.manage',
  attributes: { action: 'update' },
});

/** @public */
export const greenlightPermissions = [
  greenlightReadPermission,
  greenlightRolloutActionPermission,
  greenlightOverridePermission,
  greenlightEmergencyStopPermission,
];
