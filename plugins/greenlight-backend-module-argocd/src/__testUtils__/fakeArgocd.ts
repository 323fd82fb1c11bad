import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local Argo CD API server: answers `GET /api/v1/applications/<name>` and
 * `GET /api/v1/applications?selector=<selector>` from the given applications, and 401
 * without the bearer token, as the Argo CD API server does (v2.13 and v3.0; Argo CD's
 * developer guide, "API Docs"). An application it does not have is answered `403 permission
 * denied` when the request names no `project`, as the server does so that a caller cannot tell
 * which applications exist ("How to Avoid 403 Errors for Missing Applications"), and `404`
 * when it does.
 */
export async function startFakeArgocd(options: {
  token: string;
  byName: () => Record<string, object>;
  bySelector: () => Record<string, object[]>;
}) {
  const requests: string[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    requests.push(req.url ?? '');
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
    if (named) {
      const app = options.byName()[decodeURIComponent(named[1])];
      if (app) answer(200, app);
      else if (url.searchParams.has('project'))
        answer(404, {
          error: `applications.argoproj.io "${named[1]}" not found`,
          code: 5,
          message: `applications.argoproj.io "${named[1]}" not found`,
        });
      else
        answer(403, {
          error: 'permission denied',
          code: 7,
          message: 'permission denied',
        });
      return;
    }
    if (url.pathname === '/api/v1/applications') {
      const selector = url.searchParams.get('selector') ?? '';
      answer(200, {
        metadata: { resourceVersion: '1' },
        items: options.bySelector()[selector] ?? [],
      });
      return;
    }
    answer(404, { error: 'Not Found', code: 5, message: 'Not Found' });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        // fetch keeps connections alive; they would hold the server open.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
