import {
  AttributionCandidate,
  AttributionEvidence,
} from '@greenlight/backstage-plugin-greenlight-common';

/** A deployment as the ranking reads it; `time` is its finish, else its start (epoch ms). */
export type CandidateDeployment = {
  id: string;
  entityRef: string;
  environment: string;
  status: string;
  time: number;
  version?: string;
  artifactDigest?: string;
  /** Its own commit and the commits it brought. */
  commits: string[];
};

export type IncidentFacts = {
  detectedAt: number;
  /** The environment its events name; without one, every production environment is in scope. */
  environment?: string;
  /** Title and evidence, searched for references to deployments. */
  text: string;
};

/**
 * The incident naming a deployment is the strongest evidence: it is the responders' own
 * word. What ran when it was detected comes next, and a recent change alone is the weakest:
 * it is only proximity, which is why it is offered and never applied on its own.
 */
export const EVIDENCE_WEIGHTS = {
  referenced: 4,
  running: 2,
  'recent-change': 1,
} as const;

/** Statuses of a deployment that was running in its environment until something replaced it. */
const RAN = new Set(['succeeded', 'rolled-back', 'started']);
const MIN_DIGEST_PREFIX = 12;
const MIN_SHA_PREFIX = 7;

function escape(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `text` names `token` as a whole word, not as part of a longer one. */
function namesToken(text: string, token: string): boolean {
  if (token.length < 3) return false;
  return new RegExp(
    `(^|[^\\w.-])${escape(token)}($|[^\\w-]|\\.(?!\\w))`,
    'i',
  ).test(text);
}

function references(text: string, d: CandidateDeployment): string[] {
  const found: string[] = [];
  if (namesToken(text, d.id)) found.push(`names deployment ${d.id}`);
  if (d.version && namesToken(text, d.version))
    found.push(`names version ${d.version}`);
  if (d.artifactDigest) {
    const hex = d.artifactDigest
      .slice(d.artifactDigest.indexOf(':') + 1)
      .toLowerCase();
    const words = text.toLowerCase().match(/[a-f0-9]{12,128}/g) ?? [];
    if (words.some(w => w.length >= MIN_DIGEST_PREFIX && hex.startsWith(w))) {
      found.push(`names artifact ${d.artifactDigest.slice(0, 19)}…`);
    }
  }
  const shas = text.toLowerCase().match(/\b[a-f0-9]{7,64}\b/g) ?? [];
  const commit = d.commits.find(c =>
    shas.some(s => s.length >= MIN_SHA_PREFIX && c.toLowerCase().startsWith(s)),
  );
  if (commit) found.push(`names commit ${commit.slice(0, 12)}`);
  return found;
}

export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/**
 * The deployments that may have caused an incident, best first. Only deployments at or
 * before detection qualify: a later one cannot have caused it. Cancelled ones never ran.
 */
export function rankCandidates(
  incident: IncidentFacts,
  deployments: CandidateDeployment[],
  options: {
    windowMs: number;
    productionEnvironments: string[];
    limit?: number;
  },
): AttributionCandidate[] {
  const inScope = (environment: string) =>
    incident.environment
      ? environment === incident.environment
      : options.productionEnvironments.includes(environment);
  const before = deployments.filter(
    d => d.time <= incident.detectedAt && d.status !== 'cancelled',
  );
  const evidence = new Map<string, AttributionEvidence[]>();
  const add = (id: string, e: AttributionEvidence) =>
    evidence.set(id, [...(evidence.get(id) ?? []), e]);

  for (const d of before) {
    for (const detail of references(incident.text, d)) {
      add(d.id, { kind: 'referenced', detail: `The incident ${detail}` });
    }
  }
  // What ran in each place at detection: the latest deployment there that ran.
  const running = new Map<string, CandidateDeployment>();
  for (const d of before) {
    if (!RAN.has(d.status) || !inScope(d.environment)) continue;
    const key = `${d.entityRef}\u0000${d.environment}`;
    const current = running.get(key);
    if (
      !current ||
      d.time > current.time ||
      (d.time === current.time && d.id > current.id)
    ) {
      running.set(key, d);
    }
  }
  for (const d of running.values()) {
    add(d.id, {
      kind: 'running',
      detail: `It was running in ${d.environment} when the incident was detected`,
    });
  }
  for (const d of before) {
    const ago = incident.detectedAt - d.time;
    if (inScope(d.environment) && ago <= options.windowMs) {
      add(d.id, {
        kind: 'recent-change',
        detail: `Deployed to ${d.environment} ${formatDuration(
          ago,
        )} before detection`,
      });
    }
  }

  const byId = new Map(before.map(d => [d.id, d]));
  const ranked = [...evidence.entries()].map(([id, found]) => {
    const d = byId.get(id)!;
    const candidate: AttributionCandidate = {
      deploymentId: d.id,
      entityRef: d.entityRef,
      environment: d.environment,
      status: d.status,
      time: new Date(d.time).toISOString(),
      score: found.reduce((sum, e) => sum + EVIDENCE_WEIGHTS[e.kind], 0),
      evidence: found,
    };
    if (d.version) candidate.version = d.version;
    if (d.artifactDigest) candidate.artifactDigest = d.artifactDigest;
    if (d.commits[0]) candidate.commitSha = d.commits[0];
    return candidate;
  });
  ranked.sort(
    (a, b) =>
      b.score - a.score ||
      Date.parse(b.time) - Date.parse(a.time) ||
      (a.deploymentId < b.deploymentId ? -1 : 1),
  );
  return ranked.slice(0, options.limit ?? 10);
}
