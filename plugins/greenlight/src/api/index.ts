export * from './GreenlightApi';
export * from './GreenlightClient';
export * from './types';
