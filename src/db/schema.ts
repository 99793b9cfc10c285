// Every table keystone-ts queries: py-keystone's legacy tables and keystone-ts's own. Passed to drizzle() so
// `db.query.<table>` works; stores import the tables they need from here or from the two files directly.
export * from './legacy/schema.js';
export * from './new/schema.js';
