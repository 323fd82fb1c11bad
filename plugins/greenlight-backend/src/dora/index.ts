/**
 * What other Greenlight features use from DORA: when a team last reviewed the metrics, and a
 * way to tell the rollups that a deployment's fate changed outside ingestion.
 */
export { lastReviewedAt } from './reviews';
export { markDeploymentsChanged } from './markDeploymentsChanged';
export { DORA_ROLLUP_TASK_ID } from './feature';
