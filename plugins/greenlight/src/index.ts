/**
 * Greenlight's entity pages and team DORA reviews.
 *
 * @packageDocumentation
 */
export {
  greenlightPlugin,
  EntityDoraCard,
  EntityDoraReviewContent,
  EntityGreenlightContent,
  EntityGreenlightGovernanceContent,
  EntityGreenlightTeamGovernanceContent,
  GreenlightPage,
  EntityReadinessCard,
  EntityRunningWhereCard,
} from './plugin';
export * from './api';
