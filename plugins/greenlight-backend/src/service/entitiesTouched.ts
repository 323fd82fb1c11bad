import { ConflictError } from '@backstage/errors';
import { NewEventRow } from '../database/LedgerStore';

/**
 * Which entities an event changes besides the one it resolves to. Writing is permission-checked
 * on every one of them, so that a caller allowed on one entity cannot change another's records
 * through ids that records of different entities share:
 *
 * - every entity an incident names (its incident rows count against each of them);
 * - the entity of a deployment that an incident blames, or that a deployment rolls back or
 *   replaces (DORA counts those against the deployment's entity, docs/dora.md). A deployment
 *   not recorded yet is `null` ("no entity yet"): whoever records it later, the reference would
 *   count against them, so only a writer trusted with every entity may make it, as only such a
 *   writer may record an event that matches no entity yet;
 * - the entities of the subject's stored events: a deployment, incident, build, artifact or test
 *   run whose events another entity reported is that entity's record too. Those are checked
 *   under the subject's lock, in the write (`SubjectsOfOtherEntities`). Stored events that match
 *   no entity yet may be attached to any entity later, so joining them needs the trust an event
 *   matching none needs: otherwise a scoped writer could make such a record its own, and count
 *   it against the entity it is attached to later.
 *
 * Commit details change no other entity's records: they are kept and read per entity
 * (`database/commitDetails.ts`).
 */
export function referencedDeployments(rows: NewEventRow[]): string[][] {
  return rows.map(({ event }) => {
    if (
      event.type === 'deployment.started' ||
      event.type === 'deployment.finished'
    ) {
      return [event.deployment.rollbackOf, event.deployment.replaces].filter(
        (id): id is string => !!id,
      );
    }
    if (
      event.type === 'incident.opened' ||
      event.type === 'incident.resolved'
    ) {
      return event.incident.deploymentId ? [event.incident.deploymentId] : [];
    }
    return [];
  });
}

/**
 * The entities each event touches besides its own, from its content and the `owners` of the
 * deployments it references (`referencedDeployments`): the entity the ledger records for it
 * (`null` when it is recorded without one: it may be attached to any entity later); for a
 * deployment the ledger does not hold, the entity of its events in this batch, else `null`.
 */
export function entitiesTouched(
  rows: NewEventRow[],
  referenced: string[][],
  owners: Map<string, string | null>,
): Array<Array<string | null>> {
  // The entity of each deployment this batch reports (its first event's that has one).
  const inBatch = new Map<string, string | null>();
  for (const { event, entityRef } of rows) {
    if (
      event.type !== 'deployment.started' &&
      event.type !== 'deployment.finished'
    )
      continue;
    if (!inBatch.get(event.deployment.id))
      inBatch.set(event.deployment.id, entityRef);
  }
  return rows.map((row, i) => {
    const touched = new Set<string | null>();
    const { event } = row;
    if (
      event.type === 'incident.opened' ||
      event.type === 'incident.resolved'
    ) {
      for (const ref of event.incident.entityRefs ?? []) touched.add(ref);
    }
    for (const id of referenced[i]) {
      touched.add(
        owners.has(id) ? owners.get(id) ?? null : inBatch.get(id) ?? null,
      );
    }
    if (row.entityRef) touched.delete(row.entityRef);
    return [...touched];
  });
}

/**
 * In a subject's allowed set: its events were allowed with no entity yet (only a writer trusted
 * with every entity is), so they may join stored events that match no entity yet either.
 */
export const NO_ENTITY_YET = '';

/** Per subject of the batch: the entities its events were allowed to write for. */
export function allowedBySubject(
  rows: NewEventRow[],
  touched: Array<Array<string | null>>,
): Map<string, Set<string>> {
  const allowed = new Map<string, Set<string>>();
  rows.forEach((row, i) => {
    const set = allowed.get(row.subjectKey) ?? new Set<string>();
    set.add(row.entityRef ?? NO_ENTITY_YET);
    for (const ref of touched[i]) set.add(ref ?? NO_ENTITY_YET);
    allowed.set(row.subjectKey, set);
  });
  return allowed;
}

/**
 * Thrown in a write, under the subjects' locks, when a subject of the batch holds events of an
 * entity its events were not checked for: the write rolls back, and the caller checks those
 * entities too before it writes again. Seen by a client only when the subject changed hands
 * again in between (409: sending the batch again decides it).
 */
export class SubjectsOfOtherEntities extends ConflictError {
  /** Per subject: the entities its stored events belong to, `null` for ones matching none yet. */
  constructor(readonly entitiesBySubject: Map<string, Array<string | null>>) {
    super(
      `Records of this batch also belong to ${[
        ...new Set(
          [...entitiesBySubject.values()]
            .flat()
            .map(ref => ref ?? 'no entity yet'),
        ),
      ]
        .slice(0, 10)
        .join(
          ', ',
        )}, which changed while the batch was checked; nothing was written`,
    );
    this.name = 'ConflictError';
  }
}
