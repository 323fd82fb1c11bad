import { createTestDatabases } from './databases';
import { rowCounts, tableContents } from './rowCounts';

jest.setTimeout(60_000);

describe('tableContents', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'shows a changed row where row counts do not, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await knex.schema.createTable('decisions', t => {
        t.string('id').primary();
        t.string('outcome');
      });
      await knex.schema.createTable('leases', t => {
        t.string('id').primary();
        t.bigInteger('until');
      });
      await knex('decisions').insert([
        { id: 'b', outcome: 'approved' },
        { id: 'a', outcome: 'refused' },
      ]);
      await knex('leases').insert({ id: 'l', until: 1 });
      const options = { countsOnly: ['leases'] };
      const before = await tableContents(knex, options);
      const counted = await rowCounts(knex);

      await knex('decisions')
        .where({ id: 'a' })
        .update({ outcome: 'approved' });
      await knex('leases').where({ id: 'l' }).update({ until: 2 });

      // The same number of rows: counts alone would call the tables unchanged.
      expect(await rowCounts(knex)).toEqual(counted);
      const after = await tableContents(knex, options);
      expect(after.decisions).not.toEqual(before.decisions);
      expect(after.decisions).toMatch(/^2 rows, sha256:[0-9a-f]{16}$/);
      expect(after.leases).toBe('1 rows');
      expect(after.leases).toEqual(before.leases);

      // Put back, it is the same again, whatever order the rows come back in.
      await knex('decisions').where({ id: 'a' }).update({ outcome: 'refused' });
      expect(await tableContents(knex, options)).toEqual(before);
    },
  );
});
