import { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';

export type EnvironmentTier = 'development' | 'staging' | 'production';

export type EnvironmentConfig = {
  name: string;
  tier: EnvironmentTier;
  order: number;
};

export const DEFAULT_ENVIRONMENTS: EnvironmentConfig[] = [
  { name: 'development', tier: 'development', order: 0 },
  { name: 'staging', tier: 'staging', order: 1 },
  { name: 'production', tier: 'production', order: 2 },
];

const TIERS = ['development', 'staging', 'production'];

/** Reads `greenlight.environments`, sorted in promotion order. */
export function readEnvironments(config: Config): EnvironmentConfig[] {
  const list = config.getOptionalConfigArray('greenlight.environments');
  if (!list || list.length === 0) return DEFAULT_ENVIRONMENTS;
  return list
    .map((env, index) => {
      const tier = env.getString('tier');
      if (!TIERS.includes(tier)) {
        throw new InputError(
          `greenlight.environments[${index}].tier must be one of ${TIERS.join(', ')}`,
        );
      }
      return {
        name: env.getString('name'),
        tier: tier as EnvironmentTier,
        order: env.getOptionalNumber('order') ?? index,
      };
    })
    .sort((a, b) => a.order - b.order);
}

export function readMaxBodySize(config: Config): string {
  return config.getOptionalString('greenlight.ingest.maxBodySize') ?? '5mb';
}
