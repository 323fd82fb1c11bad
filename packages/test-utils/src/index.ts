export { createTestDatabases, onPostgresOnly } from './databases';
export { component } from './entities';
export { startServer, type ReceivedRequest } from './httpServer';
export { startModuleBackend } from './moduleBackend';
export { rowCounts, tableContents } from './rowCounts';
