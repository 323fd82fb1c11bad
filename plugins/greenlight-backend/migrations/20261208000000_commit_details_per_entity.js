// @ts-check

/**
 * Commit details are kept per entity whose event reported them. DORA's lead time, the release
 * views and the readiness matrix read a deployed commit's details for the deploying entity
 * only, so details that one team reports for a SHA (with an earlier time, or another title)
 * cannot change another team's numbers or classification, whatever order the two arrive in.
 * `''` holds details no entity's events reported; an entity without details of its own for a
 * SHA reads those.
 *
 * The rows stored before stay, as `''`: an entity that reported nothing about a commit it
 * deployed sees what it saw before. Each entity whose events reported a commit gets a row of
 * its own, built from those events' own values, not from the values merged from everyone. Every entity's DORA
 * rollups are then rebuilt from the new rows.
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
        "The entity whose event reported these details; '' for details no entity reported",
      );
  });
  await knex.schema.alterTable('commits', table => {
    table.dropPrimary();
  });
  await knex.schema.alterTable('commits', table => {
    table.primary(['sha', 'repository', 'entity_ref']);
  });

  /** @param {string | undefined} value */
  const time = value => (value ? Date.parse(value) : null);
  /** @param {any[]} rows */
  const write = async rows => {
    for (let i = 0; i < rows.length; i += 100) {
      await knex('commits')
        .insert(rows.slice(i, i + 100))
        .onConflict(['sha', 'repository', 'entity_ref'])
        .merge();
    }
  };
  // Paged by the primary key, which every database can range-scan: a page of events may hold
  // up to 10,000 commits each, so pages are small. Of two events of one entity that describe a
  // commit differently (facts rarely change), the one with the greater id wins: the time an
  // event arrived has no index to page by.
  let after = '';
  for (;;) {
    const events = await knex('events')
      .select('id', 'entity_ref', 'payload')
      .where('id', '>', after)
      .andWhere('type', 'commits')
      .whereNotNull('entity_ref')
      .orderBy('id')
      .limit(100);
    if (events.length === 0) break;
    after = events[events.length - 1].id;
    const rows = new Map();
    for (const e of events) {
      for (const c of JSON.parse(e.payload).commits ?? []) {
        rows.set(`${e.entity_ref}\u0000${c.repository}\u0000${c.sha}`, {
          sha: c.sha,
          repository: c.repository,
          entity_ref: e.entity_ref,
          authored_at: time(c.authoredAt),
          committed_at: time(c.committedAt),
          merged_at: time(c.mergedAt),
          author: c.author ?? null,
          pr_number: c.prNumber ?? null,
          title: c.title ?? null,
        });
      }
    }
    await write([...rows.values()]);
  }

  await knex('dora_entities').update({
    stale_version: knex.raw('stale_version + 1'),
    stale_from: '0000-00-00',
  });
};

/**
 * Back to one row per (sha, repository), read by SHA by everyone: of each commit's rows, the
 * one with the earliest commit time.
 *
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
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
