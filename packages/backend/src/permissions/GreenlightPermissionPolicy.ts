import { Config } from '@backstage/config';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';

const RELEASE_FATE = [
  'greenlight.rollout.action',
  'greenlight.gate.override',
  'greenlight.emergencystop.manage',
];

/**
 * The portal's policy: everyone signed in may read, but only release managers may change a
 * release's fate (roll back, pause, promote, override a gate). Release managers are the
 * users and groups listed in `greenlight.releaseManagers`; a user counts when any of their
 * ownership references (themselves and their groups) is listed.
 */
export class GreenlightPermissionPolicy implements PermissionPolicy {
  static fromConfig(config: Config) {
    return new GreenlightPermissionPolicy(
      config.getOptionalStringArray('greenlight.releaseManagers') ?? [],
    );
  }

  private readonly managers: Set<string>;

  constructor(releaseManagers: string[]) {
    this.managers = new Set(releaseManagers.map(ref => ref.toLocaleLowerCase('en-US')));
  }

  async handle(request: PolicyQuery, user?: PolicyQueryUser): Promise<PolicyDecision> {
    if (RELEASE_FATE.includes(request.permission.name)) {
      const refs = user?.info.ownershipEntityRefs ?? [];
      const allowed = refs.some(ref => this.managers.has(ref.toLocaleLowerCase('en-US')));
      return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    return { result: AuthorizeResult.ALLOW };
  }
}
