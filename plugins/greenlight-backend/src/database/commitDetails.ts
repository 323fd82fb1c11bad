import { Knex } from 'knex';
import { GITHUB_WEBHOOK_SOURCE } from '../ingest/github/sourceId';

/**
 * The join to a commit's details as one entity knows them. Details are facts a pipeline
 * asserts (times, author, title); read by SHA alone, one team could report another team's next
 * commit first, with an earlier time or another title, and move that team's lead time or
 * change how its change is classified. So a deployed commit's details are:
 *
 * - those the deploying entity's own events reported, when there are any;
 * - otherwise those of events that matched no entity (`entity_ref` `''`): a standard CDEvents
 *   change names only a repository, which entities without a `github.com/project-slug` do not
 *   name. Only an unscoped service can write such events (`authorizeEntityWrites`), never a
 *   token narrowed to a team; a GitHub push that matched no entity leaves none
 *   (`projectionWriter.ts`).
 *
 * Every reader of commit details for an entity's deployment joins through this; the commit
 * rows are aliased `c`.
 *
 * @param shaColumn - the column holding the deployed commit's SHA
 * @param entityColumn - the column holding the deploying entity's ref
 */
export function commitDetailsOf(
  knex: Knex,
  shaColumn: string,
  entityColumn: string,
) {
  return function joinOn(this: Knex.JoinClause) {
    this.on('c.sha', '=', shaColumn).andOn(function ownOrNone(
      this: Knex.JoinClause,
    ) {
      this.on('c.entity_ref', '=', entityColumn).orOn(function unmatched(
        this: Knex.JoinClause,
      ) {
        this.onVal('c.entity_ref', '=', '').andOnNotExists(function own(
          this: Knex.QueryBuilder,
        ) {
          this.select(knex.raw('1'))
            .from('commits as own')
            .where('own.sha', knex.ref(shaColumn))
            .where('own.entity_ref', knex.ref(entityColumn));
        });
      });
    });
  };
}

/**
 * The same choice for rows already read by exact SHA: per SHA, the entity's own, else the
 * unmatched. (Reads by short SHA choose per SHA asked for: `KnexTraceabilityStore.commits`.)
 */
export function ownOrUnmatched<T extends { sha: string; entity_ref: string }>(
  rows: T[],
  entityRef: string,
): T[] {
  const own = new Set(
    rows.filter(r => r.entity_ref === entityRef).map(r => r.sha),
  );
  return rows.filter(
    r => r.entity_ref === entityRef || (r.entity_ref === '' && !own.has(r.sha)),
  );
}

/**
 * The entity whose details a stored commits event gives (`''`: details any entity without its
 * own reads), or `null` when it gives none. Details no entity claims are read by every entity
 * without its own, so only writers trusted for every entity may leave them: an unscoped service.
 * A GitHub webhook secret may speak for many repositories, so a push of a repository no entity
 * names gives details only once it is attached to one. The projection and DORA's stale marks
 * both ask this.
 */
export function detailsEntityOf(event: {
  id: string;
  entityRef: string | null;
}): string | null {
  if (event.entityRef) return event.entityRef;
  return event.id.startsWith(`${GITHUB_WEBHOOK_SOURCE}:`) ? null : '';
}
