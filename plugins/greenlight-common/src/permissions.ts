import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
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

/*
 * Every write is a resource permission on the catalog entity it touches, so that a policy can
 * answer with the catalog's own conditions (IS_ENTITY_OWNER, HAS_ANNOTATION, IS_ENTITY_KIND…)
 * and the catalog decides them against the entity.
 */

/**
 * Recording delivery events (native, CDEvents) for an entity.
 *
 * @public
 */
export const greenlightEventCreatePermission = createPermission({
  name: 'greenlight.event.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Starting a rollout watch on a deployment of an entity, with the entity's own gates.
 *
 * @public
 */
export const greenlightRolloutCreatePermission = createPermission({
  name: 'greenlight.rollout.create',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Giving gates inline (arbitrary metric queries) instead of the entity's own gates, when
 * starting a rollout or replaying gates.
 *
 * @public
 */
export const greenlightInlineGatesPermission = createPermission({
  name: 'greenlight.rollout.gates.inline',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Rolling back, pausing, resuming or promoting a rollout of an entity by hand.
 *
 * @public
 */
export const greenlightRolloutActionPermission = createPermission({
  name: 'greenlight.rollout.action',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Overriding a failed gate or a blocked readiness decision of an entity.
 *
 * @public
 */
export const greenlightOverridePermission = createPermission({
  name: 'greenlight.gate.override',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Asking for and recording a readiness decision of an entity's release.
 *
 * @public
 */
export const greenlightReadinessDecidePermission = createPermission({
  name: 'greenlight.readiness.decide',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Recording a break-glass change of an entity (a change made outside the governed path).
 *
 * @public
 */
export const greenlightBreakGlassRecordPermission = createPermission({
  name: 'greenlight.breakglass.record',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Reconciling a break-glass change of an entity after the fact.
 *
 * @public
 */
export const greenlightBreakGlassReconcilePermission = createPermission({
  name: 'greenlight.breakglass.reconcile',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Reporting what actually runs in an environment of an entity (drift).
 *
 * @public
 */
export const greenlightDriftReportPermission = createPermission({
  name: 'greenlight.drift.report',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Replaying gates over past metrics of an entity; answers with the metric values.
 *
 * @public
 */
export const greenlightGateReplayPermission = createPermission({
  name: 'greenlight.gate.replay',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Registering a service (from the scaffolder) as an entity Greenlight follows.
 *
 * @public
 */
export const greenlightServiceRegisterPermission = createPermission({
  name: 'greenlight.service.register',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Attributing an incident of an entity to one of its deployments, or recording that no change
 * caused it, and undoing either; it changes the entity's change failure rate and recovery time.
 *
 * @public
 */
export const greenlightIncidentAttributePermission = createPermission({
  name: 'greenlight.incident.attribute',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** @public */
export const greenlightEntityWritePermissions = [
  greenlightEventCreatePermission,
  greenlightRolloutCreatePermission,
  greenlightInlineGatesPermission,
  greenlightRolloutActionPermission,
  greenlightOverridePermission,
  greenlightReadinessDecidePermission,
  greenlightBreakGlassRecordPermission,
  greenlightBreakGlassReconcilePermission,
  greenlightDriftReportPermission,
  greenlightGateReplayPermission,
  greenlightServiceRegisterPermission,
  greenlightIncidentAttributePermission,
];

/**
 * Pulling or lifting the emergency stop of an environment or the whole organisation.
 *
 * @public
 */
export const greenlightEmergencyStopPermission = createPermission({
  name: 'greenlight.emergencystop.manage',
  attributes: { action: 'update' },
});

/**
 * Declaring or lifting a runtime freeze (an incident freeze, say) of an environment or the whole
 * organisation.
 *
 * @public
 */
export const greenlightFreezeManagePermission = createPermission({
  name: 'greenlight.freeze.manage',
  attributes: { action: 'update' },
});

/**
 * Signing off a team's DORA review, on the team's Group entity: a policy keeps it to the team's
 * members (and release managers) with the catalog's conditions on the group.
 *
 * @public
 */
export const greenlightDoraReviewSignOffPermission = createPermission({
  name: 'greenlight.dora.review.signoff',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** @public */
export const greenlightPermissions = [
  greenlightReadPermission,
  ...greenlightEntityWritePermissions,
  greenlightEmergencyStopPermission,
  greenlightFreezeManagePermission,
  greenlightDoraReviewSignOffPermission,
];
