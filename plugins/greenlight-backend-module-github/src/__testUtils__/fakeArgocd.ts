import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local Argo CD API server: answers `GET /api/v1/applications/<name>` from the given
 * applications, 404 for any other name and 401 without the bearer token, as the Argo CD
 * API server does.
 */
export async function startFakeArgocd(options: {
  token: string;
  applications: Record<string, object>;
}) {
  const server: Server = createServer((req, res) => {
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.headers.authorization !== `Bearer ${options.token}`) {
      answer(401, {
        error: 'invalid session',
        code: 16,
        message: 'invalid session',
      });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const named = /^\/api\/v1\/applications\/([^/]+)$/.exec(url.pathname);
    const app = named && options.applications[decodeURIComponent(named[1])];
    if (app) {
      answer(200, app);
      return;
    }
    // Argo CD answers an application it does not have, asked without `project`, as one the
    // token may not read ("How to Avoid 403 Errors for Missing Applications", API Docs).
    answer(403, {
      error: 'permission denied',
      code: 7,
      message: 'permission denied',
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        // fetch keeps connections alive; they would hold the server open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
