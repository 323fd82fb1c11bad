import { AuthorizeResult, createPermission } from '@backstage/plugin-permission-common';
import {
  greenlightEmergencyStopPermission,
  greenlightOverridePermission,
  greenlightReadPermission,
  greenlightRolloutActionPermission,
} from '@greenlight/backstage-plugin-greenlight-common';
import { GreenlightPermissionPolicy } from './GreenlightPermissionPolicy';

const userWith = (ownershipEntityRefs: string[]) => ({
  identity: { type: 'user' as const, userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  token: 'token',
  credentials: {} as any,
});

describe('GreenlightPermissionPolicy', () => {
  const policy = new GreenlightPermissionPolicy(['group:default/release-managers']);

  it.each([
    [greenlightRolloutActionPermission, ['user:default/ada', 'group:default/release-managers'], AuthorizeResult.ALLOW],
    [greenlightOverridePermission, ['user:default/ada', 'group:default/Release-Managers'], AuthorizeResult.ALLOW],
    [greenlightRolloutActionPermission, ['user:default/bob', 'group:default/team-a'], AuthorizeResult.DENY],
    [greenlightOverridePermission, ['user:default/bob'], AuthorizeResult.DENY],
    [greenlightEmergencyStopPermission, ['user:default/ada', 'group:default/release-managers'], AuthorizeResult.ALLOW],
    [greenlightEmergencyStopPermission, ['user:default/bob', 'group:default/team-a'], AuthorizeResult.DENY],
    [greenlightReadPermission, ['user:default/bob'], AuthorizeResult.ALLOW],
    [createPermission({ name: 'catalog.entity.read', attributes: { action: 'read' } }), ['user:default/bob'], AuthorizeResult.ALLOW],
  ])('%p for %p is %p', async (permission, refs, expected) => {
    const decision = await policy.handle({ permission }, userWith(refs) as any);
    expect(decision.result).toBe(expected);
  });

  it('denies release-fate actions to callers without a user', async () => {
    const decision = await policy.handle({ permission: greenlightRolloutActionPermission });
    expect(decision.result).toBe(AuthorizeResult.DENY);
  });
});
