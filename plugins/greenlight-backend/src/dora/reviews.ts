import { Knex } from 'knex';

export type DoraReviewAction = 'dora.review.viewed' | 'dora.review.exported';

const CHUNK = 200;

/**
 * Notes that DORA metrics covering these subjects (the scope's own ref and every entity in
 * it) were reviewed, so that governance can ask when an entity's delivery was last looked at.
 * The audit log keeps the history; this keeps the latest per subject.
 */
export async function recordReview(
  knex: Knex,
  review: {
    action: DoraReviewAction;
    actor: string;
    scopeKind: string;
    scopeRef: string | null;
    subjects: string[];
    at?: number;
  },
): Promise<void> {
  const at = review.at ?? Date.now();
  const subjects = [...new Set(review.subjects)].sort();
  await knex.transaction(async tx => {
    for (let i = 0; i < subjects.length; i += CHUNK) {
      const row = {
        at,
        action: review.action,
        actor: review.actor,
        scope_kind: review.scopeKind,
        scope_ref: review.scopeRef,
      };
      await tx('dora_reviews')
        .insert(subjects.slice(i, i + CHUNK).map(subject_ref => ({ subject_ref, ...row })))
        .onConflict('subject_ref')
        .merge(row);
    }
  });
}

/**
 * When DORA metrics covering the entity (or group) were last viewed as a team review or
 * exported; undefined when never. For the governance checklist's "DORA metrics are visible
 * and reviewed over time".
 */
export async function lastReviewedAt(knex: Knex, entityRef: string): Promise<Date | undefined> {
  const row = await knex('dora_reviews').select('at').where('subject_ref', entityRef.toLocaleLowerCase('en-US')).first();
  return row ? new Date(Number(row.at)) : undefined;
}
