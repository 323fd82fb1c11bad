import {
  changeIntents,
  deploymentStrategies,
} from '@greenlight/backstage-plugin-greenlight-common';

/**
 * Greenlight-specific hints a producer may put into a CDEvent's `customData`.
 *
 * customData is shared with other consumers and has no schema, so a value of the
 * wrong shape is skipped rather than rejecting the whole event.
 */
export type GreenlightHints = {
  entityRef?: string;
  strategy?: (typeof deploymentStrategies)[number];
  intent?: (typeof changeIntents)[number];
  commitSha?: string;
  severity?: string;
  outcome?: string;
};

const GIT_SHA = /^[a-f0-9]{7,64}$/;

export function readHints(customData: unknown): GreenlightHints {
  if (typeof customData !== 'object' || customData === null) return {};
  const data = customData as Record<string, unknown>;
  const text = (key: string) => {
    const value = data[key];
    return typeof value === 'string' && value.trim() ? value.trim() : undefined;
  };
  const oneOf = <T extends string>(key: string, allowed: readonly T[]) => {
    const value = text(key);
    return allowed.includes(value as T) ? (value as T) : undefined;
  };
  const sha = text('commitSha')?.toLowerCase();
  return {
    entityRef: text('entityRef'),
    strategy: oneOf('strategy', deploymentStrategies),
    intent: oneOf('intent', changeIntents),
    commitSha: sha && GIT_SHA.test(sha) ? sha : undefined,
    severity: text('severity'),
    outcome: text('outcome'),
  };
}

export const isGitSha = (value: string) => GIT_SHA.test(value);
