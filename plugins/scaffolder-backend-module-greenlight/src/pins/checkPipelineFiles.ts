import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import { checkGithubActionsFile } from './githubActionsPins';
import { checkGitlabCiFile } from './gitlabCiPins';
import { PinReport, PinRules } from './types';

const YAML_FILE = /\.ya?ml$/;

function isGitlabCi(relative: string) {
  return /(^|\/)\.gitlab-ci\.ya?ml$/.test(relative) || relative.startsWith('.gitlab/');
}

async function yamlFilesUnder(root: string, relative: string): Promise<string[]> {
  const absolute = resolveSafeChildPath(root, relative);
  const stat = await fs.stat(absolute).catch(() => undefined);
  if (!stat) return [];
  if (stat.isFile()) return [relative];
  const entries = await fs.readdir(absolute, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .sort((a, b) => a.name.localeCompare(b.name))
      .map(entry => {
        const child = path.posix.join(relative, entry.name);
        if (entry.isDirectory()) return yamlFilesUnder(root, child);
        return Promise.resolve(YAML_FILE.test(entry.name) ? [child] : []);
      }),
  );
  return nested.flat();
}

/**
 * Checks the pipeline files under the given workspace paths (files or folders; missing
 * ones are skipped). `.gitlab-ci.yml` and files under `.gitlab/` are read as GitLab CI,
 * every other YAML file as a GitHub Actions workflow or action.
 */
export async function checkPipelineFiles(
  workspacePath: string,
  paths: string[],
  rules: PinRules,
): Promise<PinReport & { files: string[] }> {
  const files = [
    ...new Set((await Promise.all(paths.map(p => yamlFilesUnder(workspacePath, path.posix.normalize(p))))).flat()),
  ];
  const report: PinReport & { files: string[] } = { references: 0, problems: [], files };
  for (const file of files) {
    const text = await fs.readFile(resolveSafeChildPath(workspacePath, file), 'utf8');
    const check = isGitlabCi(file) ? checkGitlabCiFile : checkGithubActionsFile;
    const result = check(file, text, rules);
    report.references += result.references;
    report.problems.push(...result.problems);
  }
  return report;
}
