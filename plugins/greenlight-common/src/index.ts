/**
 * Isomorphic types, schemas, permissions and pure metric maths of Greenlight.
 *
 * @packageDocumentation
 */

export * from './annotations';
export * from './permissions';
export * from './events';
export * from './incidents';
export * from './dora';
export * from './gates';
export * from './api';
export * from './demo';
export * from './governance';
export * from './strings';
export * from './signals';
