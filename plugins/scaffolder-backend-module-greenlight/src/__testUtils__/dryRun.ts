import { resolvePackagePath } from '@backstage/backend-plugin-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';

export const templatesDir = resolvePackagePath(
  '@greenlight/backstage-plugin-scaffolder-backend-module-greenlight',
  'templates',
);

async function filesUnder(root: string, dir = ''): Promise<string[]> {
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
