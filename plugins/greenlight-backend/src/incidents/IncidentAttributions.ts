import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  IncidentAttribution,
  IncidentAttributionRequest,
  UnattributedIncident,
} from '@greenlight/backstage-plugin-greenlight-common';
import { Knex } from 'knex';
import {
  loadEvents,
  reproject,
  writeTransaction,
} from '../database/projectionWriter';
import { lockForWrite } from '../database/subjectLocks';
import { IncidentRow, num } from '../dora/ledgerInputs';
import { CandidateDeployment, rankCandidates } from './candidates';

const LIST_LIMIT = 50;
/** Deployments read per incident: enough for what ran, the window and older ones it names. */
const DEPLOYMENTS_PER_INCIDENT = 200;

const iso = (v: unknown) => {
  const n = num(v);
  return n === undefined ? undefined : new Date(n).toISOString();
};

type StoredIncident = IncidentRow & { title: string | null };

export type AttributionChange = {
  previous: StoredIncident;
  current: StoredIncident;
  entityRefs: string[];
  attribution?: IncidentAttribution;
};

/**
 * Incidents no evidence tied to a deployment, their candidates, and the decisions people
 * make about them. A decision is stored beside the ledger and applied whenever the incident
 * is re-derived (`applyPeoplesAttributions`), so it is one row to add or delete.
 */
export class IncidentAttributions {
  constructor(
    private readonly knex: Knex,
    private readonly options: {
      windowMs: number;
      productionEnvironments: string[];
    },
  ) {}

  async entitiesOf(incidentId: string): Promise<string[]> {
    const incident = await this.knex('incidents')
      .where({ id: incidentId })
      .first('id');
    if (!incident) throw new NotFoundError(`No incident ${incidentId}`);
    return this.knex('incident_entities')
      .where({ incident_id: incidentId })
      .orderBy('entity_ref')
      .pluck('entity_ref');
  }

  async unattributed(entityRef: string): Promise<UnattributedIncident[]> {
    const rows = await this.knex('incidents as i')
      .join('incident_entities as ie', 'ie.incident_id', 'i.id')
      .where('ie.entity_ref', entityRef)
      .whereNull('i.deployment_id')
      .whereNotExists(
        this.knex('incident_attributions as a').whereRaw(
          'a.incident_id = i.id',
        ),
      )
      .whereRaw('coalesce(i.detected_at, i.resolved_at) is not null')
      .orderByRaw('coalesce(i.detected_at, i.resolved_at) desc')
      .orderBy('i.id')
      .limit(LIST_LIMIT)
      .select(
        'i.id',
        'i.title',
        'i.severity',
        'i.detected_at',
        'i.resolved_at',
        'i.evidence',
      );
    const events = await loadEvents(
      this.knex,
      rows.map(r => `incident:${r.id}`),
    );
    const items: UnattributedIncident[] = [];
    for (const r of rows) {
      const entityRefs: string[] = await this.knex('incident_entities')
        .where({ incident_id: r.id })
        .orderBy('entity_ref')
        .pluck('entity_ref');
      const detectedAt = num(r.detected_at) ?? num(r.resolved_at)!;
      const environment = environmentOf(events.get(`incident:${r.id}`) ?? []);
      const candidates = rankCandidates(
        {
          detectedAt,
          environment,
          text: [r.title, r.evidence].filter(Boolean).join('\n'),
        },
        await this.deploymentsBefore(entityRefs, detectedAt),
        this.options,
      );
      const item: UnattributedIncident = {
        id: r.id,
        detectedAt: new Date(detectedAt).toISOString(),
        entityRefs,
        candidates,
      };
      if (r.title) item.title = r.title;
      if (r.severity) item.severity = r.severity;
      if (num(r.resolved_at) !== undefined)
        item.resolvedAt = iso(r.resolved_at);
      if (environment) item.environment = environment;
      items.push(item);
    }
    return items;
  }

  async decided(entityRef: string): Promise<IncidentAttribution[]> {
    const rows = await this.knex('incident_attributions as a')
      .join('incident_entities as ie', 'ie.incident_id', 'a.incident_id')
      .leftJoin('incidents as i', 'i.id', 'a.incident_id')
      .where('ie.entity_ref', entityRef)
      .orderBy('a.attributed_at', 'desc')
      .orderBy('a.incident_id')
      .limit(LIST_LIMIT)
      .select('a.*', 'i.title', 'i.detected_at');
    return rows.map(toAttribution);
  }

  private async deploymentsBefore(
    entityRefs: string[],
    detectedAt: number,
  ): Promise<CandidateDeployment[]> {
    if (entityRefs.length === 0) return [];
    const rows = await this.knex('deployments')
      .whereIn('entity_ref', entityRefs)
      .where('sort_time', '<=', detectedAt)
      .orderBy('sort_time', 'desc')
      .orderBy('id', 'desc')
      .limit(DEPLOYMENTS_PER_INCIDENT)
      .select(
        'id',
        'entity_ref',
        'environment',
        'status',
        'version',
        'artifact_digest',
        'commit_sha',
        'started_at',
        'finished_at',
        'sort_time',
      );
    const commits = new Map<string, string[]>();
    for (const c of await this.knex('deployment_commits')
      .whereIn(
        'deployment_id',
        rows.map(r => r.id),
      )
      .select('deployment_id', 'commit_sha')) {
      commits.set(c.deployment_id, [
        ...(commits.get(c.deployment_id) ?? []),
        c.commit_sha,
      ]);
    }
    return rows.map(r => ({
      id: r.id,
      entityRef: r.entity_ref,
      environment: r.environment,
      status: r.status,
      time: num(r.finished_at) ?? num(r.started_at) ?? Number(r.sort_time),
      version: r.version ?? undefined,
      artifactDigest: r.artifact_digest ?? undefined,
      commits: [
        ...(r.commit_sha ? [r.commit_sha] : []),
        ...(commits.get(r.id) ?? []).filter(c => c !== r.commit_sha),
      ],
    }));
  }

  /**
   * Records a decision, in one transaction with its audit entry. The incident's subject lock
   * serialises two people deciding at once: the second finds the first's decision and is
   * told so (409), rather than silently replacing it.
   */
  async attribute(
    incidentId: string,
    request: IncidentAttributionRequest,
    actor: string,
  ): Promise<AttributionChange> {
    // A write transaction: re-deriving the incident may need the locks of what it links to
    // (an incident placed by environment and artifact guards its entities' deployments), and
    // is run again with them, or after a deadlock, instead of failing.
    return writeTransaction(this.knex, async (tx, locking) => {
      await lockForWrite(tx, 'subject', [
        `incident:${incidentId}`,
        ...locking.alsoLock,
      ]);
      const previous = await readIncident(tx, incidentId);
      const entityRefs: string[] = await tx('incident_entities')
        .where({ incident_id: incidentId })
        .orderBy('entity_ref')
        .pluck('entity_ref');
      const existing = await tx('incident_attributions')
        .where({ incident_id: incidentId })
        .first();
      if (existing) {
        throw new ConflictError(
          `Incident ${incidentId} was already attributed by ${existing.actor}; undo that first`,
        );
      }
      if (previous.deployment_id) {
        throw new ConflictError(
          `Incident ${incidentId} is attributed to ${previous.deployment_id} by its own evidence`,
        );
      }
      let deploymentId: string | null = null;
      if ('deploymentId' in request) {
        const deployment = await tx('deployments')
          .where({ id: request.deploymentId })
          .first('id', 'entity_ref');
        if (!deployment || !entityRefs.includes(deployment.entity_ref)) {
          throw new InputError(
            `deploymentId: ${request.deploymentId} is not a deployment of ${
              entityRefs.join(', ') || "the incident's entities"
            }`,
          );
        }
        deploymentId = deployment.id;
      }
      const row = {
        incident_id: incidentId,
        verdict: deploymentId ? 'deployment' : 'not-a-change',
        deployment_id: deploymentId,
        note: request.note ?? null,
        actor,
        attributed_at: Date.now(),
      };
      await tx('incident_attributions').insert(row);
      await reproject(tx, [`incident:${incidentId}`], locking);
      const current = await readIncident(tx, incidentId);
      const attribution = toAttribution({
        ...row,
        title: previous.title,
        detected_at: previous.detected_at,
      });
      await audit(tx, {
        actor,
        action: 'incident.attributed',
        incidentId,
        entityRef: entityRefs[0] ?? null,
        details: {
          verdict: row.verdict,
          deploymentId,
          note: row.note,
          entityRefs,
        },
      });
      return { previous, current, entityRefs, attribution };
    });
  }

  /** Deletes a person's decision; the incident is what its own evidence makes it again. */
  async undo(
    incidentId: string,
    actor: string,
    note?: string,
  ): Promise<AttributionChange> {
    return writeTransaction(this.knex, async (tx, locking) => {
      await lockForWrite(tx, 'subject', [
        `incident:${incidentId}`,
        ...locking.alsoLock,
      ]);
      const previous = await readIncident(tx, incidentId);
      const existing = await tx('incident_attributions')
        .where({ incident_id: incidentId })
        .first();
      if (!existing) {
        throw new NotFoundError(
          `Incident ${incidentId} has no attribution made by a person`,
        );
      }
      const entityRefs: string[] = await tx('incident_entities')
        .where({ incident_id: incidentId })
        .orderBy('entity_ref')
        .pluck('entity_ref');
      await tx('incident_attributions')
        .where({ incident_id: incidentId })
        .delete();
      await reproject(tx, [`incident:${incidentId}`], locking);
      const current = await readIncident(tx, incidentId);
      await audit(tx, {
        actor,
        action: 'incident.attribution.undone',
        incidentId,
        entityRef: entityRefs[0] ?? null,
        details: {
          undone: {
            verdict: existing.verdict,
            deploymentId: existing.deployment_id,
            actor: existing.actor,
          },
          note: note ?? null,
          entityRefs,
        },
      });
      return { previous, current, entityRefs };
    });
  }
}

async function readIncident(
  tx: Knex.Transaction,
  id: string,
): Promise<StoredIncident> {
  const row = await tx('incidents')
    .where({ id })
    .first('id', 'title', 'detected_at', 'resolved_at', 'deployment_id');
  if (!row) throw new NotFoundError(`No incident ${id}`);
  return row;
}

async function audit(
  tx: Knex.Transaction,
  entry: {
    actor: string;
    action: string;
    incidentId: string;
    entityRef: string | null;
    details: object;
  },
) {
  await tx('audit_log').insert({
    at: Date.now(),
    actor: entry.actor,
    action: entry.action,
    subject_type: 'incident',
    subject_id: entry.incidentId,
    entity_ref: entry.entityRef,
    details: JSON.stringify(entry.details),
  });
}

function toAttribution(r: {
  incident_id: string;
  verdict: string;
  deployment_id: string | null;
  note: string | null;
  actor: string;
  attributed_at: unknown;
  title?: string | null;
  detected_at?: unknown;
}): IncidentAttribution {
  const out: IncidentAttribution = {
    incidentId: r.incident_id,
    verdict: r.verdict as IncidentAttribution['verdict'],
    actor: r.actor,
    attributedAt: new Date(Number(r.attributed_at)).toISOString(),
  };
  if (r.deployment_id) out.deploymentId = r.deployment_id;
  if (r.note) out.note = r.note;
  if (r.title) out.title = r.title;
  const detected = iso(r.detected_at);
  if (detected) out.detectedAt = detected;
  return out;
}

/** The environment the incident's latest event names, if any. */
function environmentOf(
  events: Array<{ id: string; event: any }>,
): string | undefined {
  let environment: string | undefined;
  for (const stored of [...events].sort((a, b) =>
    a.id.localeCompare(b.id, 'en'),
  )) {
    const e = stored.event;
    if (
      (e.type === 'incident.opened' || e.type === 'incident.resolved') &&
      e.incident.environment
    ) {
      environment = e.incident.environment;
    }
  }
  return environment;
}
