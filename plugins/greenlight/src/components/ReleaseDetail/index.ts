export { ReleaseDetailPanel } from './ReleaseDetailPanel';
export { ReleaseDrawer } from './ReleaseDrawer';
