export * from './classes';
export * from './defaults';
export * from './changeClassesAnnotation';
export * from './commitHints';
export * from './classify';
export type { Evidence, EvidenceValue } from './evidence';
export { EVIDENCE_KEYS } from './evidence';
export {
  CONTROL_IDS,
  CONTROL_TITLES,
  DEFAULT_CONTROL_MATRIX,
  resolveControlMatrix,
  evaluateControl,
  evaluateMandatoryTests,
} from './controls';
export type {
  ControlId,
  ControlMatrix,
  ControlResult,
  DeploymentFact,
  ProvenanceFact,
  ReadinessFacts,
  TestRunFact,
} from './controls';
export * from './assess';
export * from './windows';
