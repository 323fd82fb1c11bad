// @ts-check

/**
 * Commit details are kept per entity whose event reported them. DORA's lead time, the release
 * views and the readiness matrix read a deployed commit's details for the deploying entity
 * only, so details that one team reports for a SHA (with an earlier time, or another title)
 * cannot change another team's numbers or classification, whatever order the two arrive in.
 * `''` holds details of events that match no entity yet.
 *
 * The rows already stored are copied to each entity whose commits events named them (their
 * values are the merged values of before: which event wrote which value is not recorded).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('commits', table => {
    table
      .string('entity_ref', 255)
      .notNullable()
      .defaultTo('')
      .comment(
        "The entity whose event reported these details; '' while it matches none",
      );
  });
  await knex.schema.alterTable('commits', table => {
    table.dropPrimary();
  });
  await knex.schema.alterTable('commits', table => {
    table.primary(['sha', 'repository', 'entity_ref']);
  });

  /** Per stored row (repository, sha): the entities whose events reported it. */
  const reporters = new Map();
  let after = '';
  for (;;) {
    const events = await knex('events')
      .select('id', 'entity_ref', 'payload')
      .where('type', 'commits')
      .andWhere('id', '>', after)
      .orderBy('id')
      .limit(1000);
    if (events.length === 0) break;
    after = events[events.length - 1].id;
    for (const e of events) {
      const payload = JSON.parse(e.payload);
      for (const c of payload.commits ?? []) {
        const key = `${c.repository}\u0000${c.sha}`;
        if (!reporters.has(key)) reporters.set(key, new Set());
        reporters.get(key).add(e.entity_ref ?? '');
      }
    }
  }
  const stored = await knex('commits').select('*').where('entity_ref', '');
  for (const row of stored) {
    const entities = reporters.get(`${row.repository}\u0000${row.sha}`);
    if (!entities) continue;
    const copies = [...entities]
      .filter(ref => ref !== '')
      .map(entity_ref => ({ ...row, entity_ref }));
    for (let i = 0; i < copies.length; i += 100) {
      await knex('commits')
        .insert(copies.slice(i, i + 100))
        .onConflict(['sha', 'repository', 'entity_ref'])
        .ignore();
    }
    if (!entities.has('')) {
      await knex('commits')
        .where({ sha: row.sha, repository: row.repository, entity_ref: '' })
        .delete();
    }
  }
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // Back to one row per (sha, repository): the earliest times and any other value kept.
  const rows = await knex('commits')
    .select('*')
    .orderBy(['sha', 'repository', 'entity_ref']);
  const merged = new Map();
  for (const row of rows) {
    const key = `${row.repository}\u0000${row.sha}`;
    const kept = merged.get(key);
    if (!kept || Number(row.committed_at) < Number(kept.committed_at))
      merged.set(key, { ...row, entity_ref: '' });
  }
  await knex('commits').delete();
  await knex.schema.alterTable('commits', table => {
    table.dropPrimary();
  });
  await knex.schema.alterTable('commits', table => {
    table.dropColumn('entity_ref');
  });
  await knex.schema.alterTable('commits', table => {
    table.primary(['sha', 'repository']);
  });
  const back = [...merged.values()].map(
    ({ entity_ref: _unused, ...row }) => row,
  );
  for (let i = 0; i < back.length; i += 100)
    await knex('commits').insert(back.slice(i, i + 100));
};
