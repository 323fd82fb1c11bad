export { EnvironmentsStrip } from './EnvironmentsStrip';
