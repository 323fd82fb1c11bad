import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CliIo } from './io';

export interface TestIo {
  io: CliIo;
  stdout(): string;
  stderr(): string;
  sleeps: number[];
}

/** An io that records output, never waits, and has a fixed clock unless told otherwise. */
export function createTestIo(overrides: Partial<CliIo> = {}): TestIo {
  let out = '';
  let err = '';
  const sleeps: number[] = [];
  const io: CliIo = {
    stdout: text => {
      out += text;
    },
    stderr: text => {
      err += text;
    },
    env: {},
    fetch: (input, init) => globalThis.fetch(input, init),
    sleep: async ms => {
      sleeps.push(ms);
    },
    now: () => new Date('2024-05-01T12:00:00.000Z'),
    cwd: '/repo',
    readFile: path => {
      throw new Error(`unexpected read of ${path}`);
    },
    git: args => {
      throw new Error(`unexpected git ${args.join(' ')}`);
    },
    ...overrides,
  };
  return { io, stdout: () => out, stderr: () => err, sleeps };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: any;
}

export type Reply = {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
};

/**
 * A local HTTP server on 127.0.0.1 that records requests and answers them
 * from a list of replies (the last one repeats).
 */
export async function startServer(
  replies: Reply[] | ((req: ReceivedRequest, index: number) => Reply),
): Promise<{
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', chunk => {
      data += chunk;
    });
    req.on('end', () => {
      const received: ReceivedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: data ? JSON.parse(data) : undefined,
      };
      requests.push(received);
      const index = requests.length - 1;
      const reply = Array.isArray(replies)
        ? replies[Math.min(index, replies.length - 1)]
        : replies(received, index);
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        ...reply.headers,
      });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
