import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import githubModule from '@backstage/plugin-scaffolder-backend-module-github';
import greenlightPlugin from '@greenlight/backstage-plugin-greenlight-backend';
import fs from 'node:fs/promises';
import path from 'node:path';
import request from 'supertest';
import { parse } from 'yaml';
import greenlightModule from '../index';

export const templatesDir = resolvePackagePath(
  '@greenlight/backstage-plugin-scaffolder-backend-module-greenlight',
  'templates',
);

export async function filesUnder(root: string, dir = ''): Promise<string[]> {
  const entries = await fs.readdir(path.join(root, dir), { withFileTypes: true });
  const nested = await Promise.all(
    entries.map(e =>
      e.isDirectory() ? filesUnder(root, path.posix.join(dir, e.name)) : [path.posix.join(dir, e.name)],
    ),
  );
  return nested.flat().sort();
}

/**
 * The body of `POST /api/scaffolder/v2/dry-run` for a template folder, as the template
 * editor sends it: the template entity and every file beside it, base64-encoded, with
 * paths relative to the template's folder.
 */
export async function dryRunBody(templateFolder: string, values: Record<string, unknown>) {
  const root = path.join(templatesDir, templateFolder);
  const template = parse(await fs.readFile(path.join(root, 'template.yaml'), 'utf8'));
  const files = (await filesUnder(root)).filter(f => f !== 'template.yaml');
  const directoryContents = await Promise.all(
    files.map(async file => ({
      path: file,
      base64Content: (await fs.readFile(path.join(root, file))).toString('base64'),
    })),
  );
  return { template, values, secrets: {}, directoryContents };
}

/** The generated files of a dry-run answer, by path, as text. */
export function generatedFiles(response: {
  directoryContents: Array<{ path: string; base64Content: string }>;
}): Map<string, string> {
  return new Map(
    response.directoryContents.map(f => [f.path, Buffer.from(f.base64Content, 'base64').toString('utf8')]),
  );
}

/**
 * The real scaffolder with this module, the GitHub publisher the portal installs, and the
 * Greenlight backend plugin; the catalog is an empty fake.
 */
export async function startScaffolder() {
  const { server } = await startTestBackend({
    features: [
      scaffolderPlugin,
      githubModule,
      greenlightModule,
      greenlightPlugin,
      catalogServiceMock.factory({ entities: [] }),
      mockServices.rootConfig.factory({ data: {} }),
    ],
  });
  return async (templateFolder: string, values: Record<string, unknown>) =>
    request(server)
      .post('/api/scaffolder/v2/dry-run')
      .set('Authorization', mockCredentials.user.header('user:default/ada'))
      .send(await dryRunBody(templateFolder, values));
}

/** What the dry run logged, one message a line. */
export function dryRunLog(response: { body: { log: Array<{ body: { message: string } }> } }) {
  return response.body.log.map(l => l.body.message).join('\n');
}
