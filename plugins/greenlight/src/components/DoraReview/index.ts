export { DoraReview } from './DoraReview';
