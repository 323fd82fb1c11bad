import { Config } from '@backstage/config';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  PermissionCondition,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

/** Only release managers: giving gates inline runs arbitrary metric queries. */
const RELEASE_MANAGERS_ONLY = [
  'greenlight.gate.override',
  'greenlight.rollout.gates.inline',
  // pausing every rollout of an environment or the organisation is for release managers
  'greenlight.emergencystop.manage',
  // so is freezing every change of an environment or the organisation
  'greenlight.freeze.manage',
];

/** Release managers on any entity; everyone else on the entities they (or their groups) own. */
const OWNERS_OR_RELEASE_MANAGERS = [
  'greenlight.rollout.action',
  'greenlight.rollout.create',
  'greenlight.readiness.decide',
  'greenlight.breakglass.record',
  'greenlight.breakglass.reconcile',
  'greenlight.drift.report',
  'greenlight.gate.replay',
  // attributing an incident changes the entity's change failure rate: its owners know it best
  'greenlight.incident.attribute',
];

/** On a Group entity: the group's own members sign off its DORA review (and release managers). */
const GROUP_MEMBERS_OR_RELEASE_MANAGERS = ['greenlight.dora.review.signoff'];

/**
 * The groups among the user's ownership references, as catalog conditions on the Group the
 * permission is asked about: kind group, with that name and namespace.
 */
function isOneOfGroups(refs: string[]) {
  return refs.flatMap(ref => {
    const match = /^group:([^/]+)\/(.+)$/i.exec(ref);
    if (!match) return [];
    const criteria: PermissionCriteria<PermissionCondition<'catalog-entity'>> =
      {
        allOf: [
          catalogConditions.isEntityKind({ kinds: ['group'] }),
          catalogConditions.hasMetadata({ key: 'namespace', value: match[1] }),
          catalogConditions.hasMetadata({ key: 'name', value: match[2] }),
        ],
      };
    return [criteria];
  });
}

/** Ledger events come from pipelines (service tokens), never from a person's session. */
const NEVER_FOR_USERS = ['greenlight.event.create'];

/**
 * The portal's policy. Everyone signed in may read. Release managers (the users and groups
 * listed in `greenlight.releaseManagers`) may change any release's fate; other people may roll
 * back, pause, replay and record governance only on entities they own, which the catalog decides
 * (`IS_ENTITY_OWNER` against their ownership references). Overrides and inline gates are for
 * release managers alone.
 *
 * Pipelines never reach this policy: Backstage decides service principals by the
 * `accessRestrictions` of their external-access token, and Greenlight narrows each token to its
 * team's entities with `greenlight.permissions.serviceScopes`.
 */
export class GreenlightPermissionPolicy implements PermissionPolicy {
  static fromConfig(config: Config) {
    return new GreenlightPermissionPolicy(
      config.getOptionalStringArray('greenlight.releaseManagers') ?? [],
    );
  }

  private readonly managers: Set<string>;

  constructor(releaseManagers: string[]) {
    this.managers = new Set(
      releaseManagers.map(ref => ref.toLocaleLowerCase('en-US')),
    );
  }

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (
      !permission.name.startsWith('greenlight.') ||
      permission.name === 'greenlight.release.read'
    ) {
      return { result: AuthorizeResult.ALLOW };
    }
    const refs = user?.info.ownershipEntityRefs ?? [];
    const isManager = refs.some(ref =>
      this.managers.has(ref.toLocaleLowerCase('en-US')),
    );
    if (NEVER_FOR_USERS.includes(permission.name) || !user) {
      return { result: AuthorizeResult.DENY };
    }
    if (RELEASE_MANAGERS_ONLY.includes(permission.name)) {
      return {
        result: isManager ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (OWNERS_OR_RELEASE_MANAGERS.includes(permission.name)) {
      if (isManager) return { result: AuthorizeResult.ALLOW };
      if (isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)) {
        return createCatalogConditionalDecision(
          permission,
          catalogConditions.isEntityOwner({ claims: refs }),
        );
      }
      return { result: AuthorizeResult.DENY };
    }
    if (GROUP_MEMBERS_OR_RELEASE_MANAGERS.includes(permission.name)) {
      if (isManager) return { result: AuthorizeResult.ALLOW };
      const groups = isOneOfGroups(refs);
      if (
        groups.length === 0 ||
        !isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)
      ) {
        return { result: AuthorizeResult.DENY };
      }
      const [first, ...rest] = groups;
      return createCatalogConditionalDecision(permission, {
        anyOf: [first, ...rest],
      });
    }
    // greenlight.service.register: a service is registered while it is being created, before
    // the catalog knows its owner; Greenlight keeps it to whoever registered it until then.
    return { result: AuthorizeResult.ALLOW };
  }
}
