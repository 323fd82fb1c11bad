import type { RolloutState } from '@greenlight/backstage-plugin-greenlight-common';

/** Every value of the contract's `RolloutState`, for validating query parameters. */
export const rolloutStates = [
  'analysing',
  'paused',
  'paused-inconclusive',
  'promoted',
  'rolled-back',
  'aborted',
] as const satisfies readonly RolloutState[];
