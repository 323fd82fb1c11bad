import { ChangeWindowConfig } from '../changeWindows';
import { asWindowFreeze, RuntimeFreeze } from './RuntimeFreezeStore';

/**
 * The configured windows and freezes with the freezes declared at runtime merged in, so that
 * both are evaluated by the same rules; undefined when there is nothing to evaluate.
 */
export function windowsWithFreezes(
  configured: ChangeWindowConfig | undefined,
  runtime: RuntimeFreeze[],
): ChangeWindowConfig | undefined {
  const windows: ChangeWindowConfig = {
    defaultTimeZone: configured?.defaultTimeZone ?? 'UTC',
    teamTimeZones: configured?.teamTimeZones ?? new Map(),
    rules: configured?.rules ?? [],
    freezes: [...(configured?.freezes ?? []), ...runtime.map(asWindowFreeze)],
    rolloutConstraints: configured?.rolloutConstraints ?? {},
  };
  const empty =
    windows.rules.length === 0 &&
    windows.freezes.length === 0 &&
    Object.keys(windows.rolloutConstraints).length === 0;
  return empty ? undefined : windows;
}
