export { generateHistory } from './generator';
export type { DeliveryProfile, GeneratedService, GeneratorOptions } from './generator';
export { seededRandom } from './random';
export type { Random } from './random';
