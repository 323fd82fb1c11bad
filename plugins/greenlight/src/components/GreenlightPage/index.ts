export { GreenlightOverview, GreenlightPage } from './GreenlightPage';
