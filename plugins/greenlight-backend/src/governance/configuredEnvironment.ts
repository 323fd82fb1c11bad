import { InputError } from '@backstage/errors';
import { EnvironmentConfig } from '../config';

/**
 * Refuses an environment the configuration does not name: controls, windows, freezes and stops
 * are all keyed by the configured names, so "prod" for "production" would silently match none.
 */
export function assertConfiguredEnvironment(
  environments: EnvironmentConfig[],
  name: string,
  field = 'environment',
) {
  const names = environments.map(e => e.name);
  if (names.length > 0 && !names.includes(name)) {
    throw new InputError(
      `${field}: ${name} is not a configured environment (${names.join(', ')})`,
    );
  }
}
