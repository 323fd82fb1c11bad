import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net, { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The Debian package's path; `PROMETHEUS_BINARY` points elsewhere, e.g. an unpacked release. */
export const PROMETHEUS_BINARY =
  process.env.PROMETHEUS_BINARY ?? '/usr/bin/prometheus';

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/**
 * Serves `/metrics` with `app_requests_total{deployment, code}` counters. Every scrape
 * adds 100 requests per deployment, of which `errorRate(deployment)` are 500s. The
 * deployments in `neverFailing` have no `code="500"` series at all, as a real service
 * that never answered a 500 has none.
 */
export async function startExporter(
  deployments: string[],
  neverFailing: string[] = [],
) {
  const errorRates = new Map<string, number>(deployments.map(d => [d, 0]));
  const totals = new Map<string, { ok: number; errors: number }>(
    deployments.map(d => [d, { ok: 0, errors: 0 }]),
  );
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const lines = ['# TYPE app_requests_total counter'];
    for (const [deployment, count] of totals) {
      const errors = Math.round(100 * (errorRates.get(deployment) ?? 0));
      count.errors += errors;
      count.ok += 100 - errors;
      lines.push(
        `app_requests_total{deployment="${deployment}",code="200"} ${count.ok}`,
      );
      if (!neverFailing.includes(deployment)) {
        lines.push(
          `app_requests_total{deployment="${deployment}",code="500"} ${count.errors}`,
        );
      }
    }
    res
      .writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' })
      .end(`${lines.join('\n')}\n`);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    setErrorRate: (deployment: string, rate: number) =>
      errorRates.set(deployment, rate),
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Starts a Prometheus of its own on a free loopback port, with a temporary configuration
 * and data directory, scraping the target every second; resolves once it has data.
 */
export async function startPrometheus(targetPort: number, readyQuery: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-prometheus-'));
  const port = await freePort();
  fs.writeFileSync(
    path.join(dir, 'prometheus.yml'),
    `global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: exporter
    static_configs:
      - targets: ['127.0.0.1:${targetPort}']
`,
  );
  const child: ChildProcess = spawn(
    PROMETHEUS_BINARY,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', chunk => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null)
        throw new Error(`prometheus exited: ${stderr}`);
      if (Date.now() > deadline)
        throw new Error(`prometheus had no data within 60 s: ${stderr}`);
      try {
        const res = await fetch(
          `${baseUrl}/api/v1/query?query=${encodeURIComponent(readyQuery)}`,
        );
        const body: any = await res.json();
        if (body?.data?.result?.length > 0) break;
      } catch {
        // not listening yet
      }
      await new Promise(r => setTimeout(r, 250));
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { baseUrl, stop };
}
