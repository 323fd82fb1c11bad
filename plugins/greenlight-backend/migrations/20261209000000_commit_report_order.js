// @ts-check

/**
 * Which report a commit's stored details come from. Two `commits` events of one entity may
 * describe a commit differently (a title edited, a merge time learnt later); the stored details
 * are those of the latest report, by the time it states (`time`; a report without one is the
 * earliest) and then by its event id, whichever order the reports arrive or commit in: never by
 * when they arrived. Rows stored before have neither and count as older than any report.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('commits', table => {
    table
      .bigInteger('reported_at')
      .nullable()
      .comment(
        'The time the report these details come from states, if it states one',
      );
    table
      .string('reported_by', 255)
      .nullable()
      .comment('Id of the event these details come from');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('commits', table => {
    table.dropColumn('reported_at');
    table.dropColumn('reported_by');
  });
};
