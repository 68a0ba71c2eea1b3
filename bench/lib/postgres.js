/*
 * bench/lib/postgres: the benches' admin connection to PostgreSQL (BENCH_DATABASE_URL): one
 * statement on a short-lived client, and the URL of a database beside the admin one.
 */
const { Client } = require('pg');

const ADMIN_URL = process.env.BENCH_DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';

/** Runs one statement as the admin; an unreachable server is named in the error. */
async function admin(sql) {
  const c = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 10_000 });
  await c.connect().catch((err) => {
    throw new Error(`cannot reach PostgreSQL at ${ADMIN_URL}: ${err.message}`);
  });
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

/** The URL of database `name` on the admin's server. */
function dbUrl(name) {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

module.exports = { ADMIN_URL, admin, dbUrl };
