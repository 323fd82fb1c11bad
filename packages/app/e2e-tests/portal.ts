/*
 * Starts the real portal for end-to-end tests: the backend (catalog, auth, permissions,
 * scaffolder, Greenlight) serving the built app on one port, on a fresh SQLite folder.
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');
export const PIPELINE_TOKEN = 'e2e-pipeline-token';

export type Portal = { baseUrl: string; stop(): Promise<void>; logs(): string };

function databaseConfig(db: 'sqlite' | 'postgres', dir: string) {
  if (db === 'sqlite') {
    return { client: 'better-sqlite3', connection: { directory: path.join(dir, 'sqlite') } };
  }
  return {
    client: 'pg',
    pluginDivisionMode: 'schema',
    connection: {
      host: process.env.POSTGRES_HOST ?? '127.0.0.1',
      port: Number(process.env.POSTGRES_PORT ?? 5432),
      user: process.env.POSTGRES_USER ?? 'postgres',
      password: process.env.POSTGRES_PASSWORD ?? '',
      database: `greenlight_portal_${Date.now()}`,
    },
  };
}

/** `extraConfig` is one more configuration file, read last: its maps merge, its lists replace. */
export async function startPortal(
  port = 7077,
  db: 'sqlite' | 'postgres' = 'sqlite',
  extraConfig?: object,
): Promise<Portal> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greenlight-e2e-'));
  const baseUrl = `http://localhost:${port}`;
  const configFile = path.join(dir, 'app-config.e2e.yaml');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      app: { baseUrl },
      backend: {
        baseUrl,
        listen: { port },
        cors: { origin: baseUrl },
        database: databaseConfig(db, dir),
        auth: {
          externalAccess: [{ type: 'static', options: { token: PIPELINE_TOKEN, subject: 'e2e-pipeline' } }],
        },
      },
      greenlight: { demo: { enabled: false } },
    }),
  );
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      path.join(ROOT, 'app-config.yaml'),
      '--config',
      configFile,
      ...(extraConfig ? ['--config', extraConfigFile(dir, extraConfig)] : []),
    ],
    { cwd: path.join(ROOT, 'packages/backend'), env: { ...process.env, NODE_ENV: 'development' }, stdio: 'pipe' },
  );
  child.stdout?.on('data', d => (output += d));
  child.stderr?.on('data', d => (output += d));

  const deadline = Date.now() + 180_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`backend exited early:\n${output.slice(-4000)}`);
    try {
      const res = await fetch(`${baseUrl}/api/greenlight/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`backend did not start:\n${output.slice(-4000)}`);
    await new Promise(r => setTimeout(r, 1000));
  }
  return {
    baseUrl,
    logs: () => output,
    async stop() {
      child.kill('SIGTERM');
      await new Promise(r => setTimeout(r, 1500));
      if (child.exitCode === null) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function extraConfigFile(dir: string, config: object): string {
  const file = path.join(dir, 'app-config.e2e-extra.yaml');
  fs.writeFileSync(file, JSON.stringify(config));
  return file;
}

export async function guestToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'XMLHttpRequest' },
  });
  const body: any = await res.json();
  return body.backstageIdentity.token;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 1000));
  }
}
