export { GovernanceContent } from './GovernanceContent';
export { TeamGovernanceContent } from './TeamGovernanceContent';
