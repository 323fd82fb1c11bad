import { z } from 'zod';
import { GitlabProject } from './payloads';

/**
 * Greenlight names repositories `<host>/<path>` (`gitlab.com/acme/payments`), the form the
 * ledger matches across sources; the host comes from the project's web URL, so
 * self-managed instances keep theirs.
 */
export function gitlabRepository(project: GitlabProject): string {
  let host = 'gitlab.com';
  try {
    host = new URL(project.web_url).host.toLowerCase();
  } catch {
    // A payload without a readable web URL is from gitlab.com as far as we can tell.
  }
  return `${host}/${project.path_with_namespace}`;
}

export const absoluteUrl = (value?: string | null) =>
  value && z.url().safeParse(value).success ? value : undefined;

const SHA = /^[0-9a-f]{7,64}$/;
export const gitSha = (value?: string | null) =>
  value && SHA.test(value) ? value : undefined;
