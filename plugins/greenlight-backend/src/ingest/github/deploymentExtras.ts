import {
  changeIntents,
  deploymentStrategies,
  digestSchema,
} from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';
import { firstIssue } from '../outcome';
import { parsePurl, purlDigest } from '../purl';

/**
 * What a deployer can tell Greenlight through the GitHub deployment's free-form
 * `payload`, under the `greenlight` key:
 *
 * ```json
 * { "greenlight": { "digest": "sha256:…", "strategy": "canary", "intent": "rollback",
 *                   "rollbackOf": 1234, "entityRef": "component:default/payments" } }
 * ```
 *
 * Unlike CDEvents customData, the key is Greenlight's own, so malformed values are
 * reported instead of skipped.
 */
const deploymentRef = z.union([z.string().min(1), z.number().int().positive()]);

const extrasSchema = z.object({
  digest: digestSchema.optional(),
  artifactPurl: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  strategy: z.enum(deploymentStrategies).optional(),
  intent: z.enum(changeIntents).optional(),
  entityRef: z.string().min(1).optional(),
  serviceId: z.string().min(1).optional(),
  rollbackOf: deploymentRef.optional(),
  replaces: deploymentRef.optional(),
});

export type DeploymentExtras = Omit<
  z.infer<typeof extrasSchema>,
  'rollbackOf' | 'replaces'
> & { rollbackOf?: string; replaces?: string };

export function readDeploymentExtras(
  payload: unknown,
  deploymentId: (githubId: string | number) => string,
):
  | { ok: true; extras: DeploymentExtras }
  | { ok: false; path: string; message: string } {
  const document = typeof payload === 'string' ? parseJson(payload) : payload;
  if (typeof document !== 'object' || document === null)
    return { ok: true, extras: {} };
  const raw = (document as Record<string, unknown>).greenlight;
  if (raw === undefined) return { ok: true, extras: {} };
  const parsed = extrasSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      ...firstIssue(parsed.error, ['deployment', 'payload', 'greenlight']),
    };
  }
  const { rollbackOf, replaces, ...rest } = parsed.data;
  const purl = rest.artifactPurl ? parsePurl(rest.artifactPurl) : undefined;
  const links: Record<'rollbackOf' | 'replaces', string | undefined> = {
    rollbackOf: undefined,
    replaces: undefined,
  };
  for (const [field, value] of [
    ['rollbackOf', rollbackOf],
    ['replaces', replaces],
  ] as const) {
    if (value === undefined) continue;
    const linked = sameRepositoryDeployment(value, deploymentId);
    if (!linked) {
      return {
        ok: false,
        path: `deployment.payload.greenlight.${field}`,
        message:
          'must be a deployment of the sending repository: its number, or github.com/<owner>/<repo>/deployments/<number> of this repository',
      };
    }
    links[field] = linked;
  }
  return {
    ok: true,
    extras: {
      ...rest,
      digest: rest.digest ?? (purl && purlDigest(purl)),
      artifactPurl: purl?.unversioned ?? rest.artifactPurl,
      rollbackOf: links.rollbackOf,
      replaces: links.replaces,
    },
  };
}

/**
 * A remediation link may only name another deployment of the repository that sent the
 * webhook: one secret may sign many repositories' deliveries, so a link to another
 * repository's deployment could mark another team's release failed.
 */
function sameRepositoryDeployment(
  value: string | number,
  deploymentId: (githubId: string | number) => string,
): string | undefined {
  if (typeof value === 'number' || /^\d+$/.test(value))
    return deploymentId(value);
  const number = /\/deployments\/(\d+)$/.exec(value)?.[1];
  const lower = (text: string) => text.toLocaleLowerCase('en-US');
  if (number && lower(deploymentId(number)) === lower(value)) {
    return deploymentId(number);
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
