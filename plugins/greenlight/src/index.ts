export { greenlightPlugin as default } from './plugin';
