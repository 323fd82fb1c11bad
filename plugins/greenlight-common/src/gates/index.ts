export * from './types';
export * from './units';
export * from './evidenceSentence';
export * from './duration';
export * from './burnRate';
export { mannWhitneyU } from './mannWhitney';
export type {
  MannWhitneyAlternative,
  MannWhitneyOptions,
  MannWhitneyResult,
} from './mannWhitney';
export { normalCdf, normalSf } from './normal';
export * from './openSloSchema';
export * from './gateSettings';
export * from './openslo';
export * from './queries';
export * from './evaluate';
export * from './decision';
export * from './replay';
export * from './policyGates';
