/**
 * Greenlight's entity pages and team DORA reviews.
 *
 * @packageDocumentation
 */
export {
  greenlightPlugin,
  EntityGreenlightContent,
  EntityRunningWhereCard,
} from './plugin';
export * from './api';
