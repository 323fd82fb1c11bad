import {
  AuthorizeResult,
  createPermission,
} from '@backstage/plugin-permission-common';
import {
  greenlightDoraReviewSignOffPermission,
  greenlightEmergencyStopPermission,
  greenlightFreezeManagePermission,
  greenlightEventCreatePermission,
  greenlightInlineGatesPermission,
  greenlightIncidentAttributePermission,
  greenlightOverridePermission,
  greenlightReadPermission,
  greenlightRolloutActionPermission,
  greenlightServiceRegisterPermission,
} from '@greenlight/backstage-plugin-greenlight-common';
import { GreenlightPermissionPolicy } from './GreenlightPermissionPolicy';

const userWith = (ownershipEntityRefs: string[]) => ({
  identity: {
    type: 'user' as const,
    userEntityRef: ownershipEntityRefs[0],
    ownershipEntityRefs,
  },
  info: { userEntityRef: ownershipEntityRefs[0], ownershipEntityRefs },
  token: 'token',
  credentials: {} as any,
});

const manager = ['user:default/ada', 'group:default/Release-Managers'];
const teamMember = ['user:default/bob', 'group:default/team-a'];

describe('GreenlightPermissionPolicy', () => {
  const policy = new GreenlightPermissionPolicy([
    'group:default/release-managers',
  ]);

  it.each([
    [greenlightRolloutActionPermission, manager, AuthorizeResult.ALLOW],
    [greenlightOverridePermission, manager, AuthorizeResult.ALLOW],
    [greenlightIncidentAttributePermission, manager, AuthorizeResult.ALLOW],
    [greenlightInlineGatesPermission, manager, AuthorizeResult.ALLOW],
    [greenlightOverridePermission, teamMember, AuthorizeResult.DENY],
    [greenlightInlineGatesPermission, teamMember, AuthorizeResult.DENY],
    [greenlightEventCreatePermission, manager, AuthorizeResult.DENY],
    [greenlightServiceRegisterPermission, teamMember, AuthorizeResult.ALLOW],
    [greenlightEmergencyStopPermission, manager, AuthorizeResult.ALLOW],
    [greenlightEmergencyStopPermission, teamMember, AuthorizeResult.DENY],
    [greenlightFreezeManagePermission, manager, AuthorizeResult.ALLOW],
    [greenlightFreezeManagePermission, teamMember, AuthorizeResult.DENY],
    [greenlightReadPermission, ['user:default/bob'], AuthorizeResult.ALLOW],
    [
      createPermission({
        name: 'catalog.entity.read',
        attributes: { action: 'read' },
      }),
      ['user:default/bob'],
      AuthorizeResult.ALLOW,
    ],
  ])('%p for %p is %p', async (permission, refs, expected) => {
    const decision = await policy.handle({ permission }, userWith(refs) as any);
    expect(decision.result).toBe(expected);
  });

  it('lets other people act only on entities they own, decided by the catalog', async () => {
    const decision = await policy.handle(
      { permission: greenlightRolloutActionPermission },
      userWith(teamMember) as any,
    );
    expect(decision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        rule: 'IS_ENTITY_OWNER',
        resourceType: 'catalog-entity',
        params: { claims: teamMember },
      },
    });
  });

  it('lets owners attribute incidents of their own entities only', async () => {
    const decision = await policy.handle(
      { permission: greenlightIncidentAttributePermission },
      userWith(teamMember) as any,
    );
    expect(decision).toMatchObject({
      result: AuthorizeResult.CONDITIONAL,
      conditions: { rule: 'IS_ENTITY_OWNER', params: { claims: teamMember } },
    });
  });

  it('lets release managers sign off any DORA review and members only their own group', async () => {
    const managerDecision = await policy.handle(
      { permission: greenlightDoraReviewSignOffPermission },
      userWith(manager) as any,
    );
    expect(managerDecision.result).toBe(AuthorizeResult.ALLOW);
    const memberDecision = await policy.handle(
      { permission: greenlightDoraReviewSignOffPermission },
      userWith(teamMember) as any,
    );
    expect(memberDecision).toEqual({
      result: AuthorizeResult.CONDITIONAL,
      pluginId: 'catalog',
      resourceType: 'catalog-entity',
      conditions: {
        anyOf: [
          {
            allOf: [
              {
                rule: 'IS_ENTITY_KIND',
                resourceType: 'catalog-entity',
                params: { kinds: ['group'] },
              },
              {
                rule: 'HAS_METADATA',
                resourceType: 'catalog-entity',
                params: { key: 'namespace', value: 'default' },
              },
              {
                rule: 'HAS_METADATA',
                resourceType: 'catalog-entity',
                params: { key: 'name', value: 'team-a' },
              },
            ],
          },
        ],
      },
    });
    const loner = await policy.handle(
      { permission: greenlightDoraReviewSignOffPermission },
      userWith(['user:default/carol']) as any,
    );
    expect(loner.result).toBe(AuthorizeResult.DENY);
  });

  it('denies release-fate actions to callers without a user', async () => {
    const decision = await policy.handle({
      permission: greenlightRolloutActionPermission,
    });
    expect(decision.result).toBe(AuthorizeResult.DENY);
  });
});
