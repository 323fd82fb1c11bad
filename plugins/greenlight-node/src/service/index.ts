export * from './GreenlightService';
export { DefaultGreenlightService } from './DefaultGreenlightService';
export type { GreenlightRetryOptions } from './DefaultGreenlightService';
export { greenlightServiceRef } from './greenlightServiceRef';
