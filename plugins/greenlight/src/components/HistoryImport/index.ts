export { HistoryImport } from './HistoryImport';
