#!/usr/bin/env node
// Writes the fixture databases of every schema version that has none yet (see
// scripts/lib/schema-fixtures.mjs): packages/cloacina/test/fixtures/schema-versions/
// sqlite-v<k>.db and postgres-v<k>.sql, each with migrations 1..k only.
//   node scripts/schema-fixtures.mjs           add the missing versions (after a new migration)
//   node scripts/schema-fixtures.mjs --force   rewrite all of them (only when the fixture itself is wrong)
// Needs the built packages (npm run build).
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import Database from 'better-sqlite3';
import { executeInMemory, pack } from 'cloacina';
import { encodeJson } from 'cloacina-workflow';
import { SQLITE_MIGRATIONS } from '../packages/cloacina/dist/dal/sqlite/migrations.js';
import { POSTGRES_MIGRATIONS } from '../packages/cloacina/dist/dal/postgres/migrations.js';
import { EXECUTIONS, TABLES, WORKFLOW_MODULE, digest, fixtureRows, postgresPath, sqlitePath } from './lib/schema-fixtures.mjs';

/** The application_id every Cloacina SQLite database carries ("CLOA"), set since schema version 1. */
const APPLICATION_ID = 0x434c4f41;

const force = process.argv.includes('--force');
const versions = SQLITE_MIGRATIONS.map((m) => m.version);
if (JSON.stringify(versions) !== JSON.stringify(POSTGRES_MIGRATIONS.map((m) => m.version))) {
  throw new Error('SQLite and PostgreSQL migrations are not numbered alike; align them first');
}

const { default: workflow } = await import(WORKFLOW_MODULE);
const fullRuns = new Map();
for (const execution of EXECUTIONS) fullRuns.set(execution.id, await executeInMemory(workflow, execution.initial));
const pkg = await pack(WORKFLOW_MODULE);

function writeSqlite(path, version) {
  const rows = fixtureRows({ version, migrations: SQLITE_MIGRATIONS, fullRuns, encode: encodeJson, pkg, workflow });
  rmSync(path, { force: true });
  const db = new Database(path);
  try {
    // As the runtime opens a database: claimed by application_id, WAL journal.
    db.pragma('journal_mode = WAL');
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.exec('CREATE TABLE IF NOT EXISTS cloacina_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)');
    for (const m of SQLITE_MIGRATIONS.filter((m) => m.version <= version)) db.exec(m.sql);
    db.transaction(() => {
      for (const table of TABLES) {
        for (const row of rows[table]) {
          const columns = Object.keys(row);
          db.prepare(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`).run(
            ...columns.map((c) => (row[c] instanceof Uint8Array ? Buffer.from(row[c]) : row[c])),
          );
        }
      }
    })();
    db.pragma('journal_mode = DELETE'); // one self-contained file, no -wal beside it
    db.exec('VACUUM');
  } finally {
    db.close();
  }
}

function literal(value) {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (value instanceof Uint8Array) return `decode('${Buffer.from(value).toString('hex')}', 'hex')`;
  return `'${String(value).replace(/'/g, "''")}'`;
}

function postgresSql(version) {
  const rows = fixtureRows({ version, migrations: POSTGRES_MIGRATIONS, fullRuns, encode: encodeJson, pkg, workflow });
  const out = [
    `-- A Cloacina PostgreSQL database at schema version ${version}, with unfinished executions.`,
    '-- Written by scripts/schema-fixtures.mjs from migrations 1..' + version + '; history: never regenerate it.',
    'CREATE TABLE IF NOT EXISTS cloacina_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL);',
  ];
  for (const m of POSTGRES_MIGRATIONS.filter((m) => m.version <= version)) out.push(`-- migration ${m.version}: ${m.name}`, m.sql.trim());
  for (const table of TABLES) {
    for (const row of rows[table]) {
      const columns = Object.keys(row);
      out.push(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => literal(row[c])).join(', ')});`);
    }
  }
  return `${out.join('\n')}\n`;
}

const written = [];
for (const version of versions) {
  const sqlite = sqlitePath(version);
  if (force || !existsSync(sqlite)) {
    writeSqlite(sqlite, version);
    written.push([relative(process.cwd(), sqlite), digest(readFileSync(sqlite))]);
  }
  const postgres = postgresPath(version);
  if (force || !existsSync(postgres)) {
    writeFileSync(postgres, postgresSql(version));
    written.push([relative(process.cwd(), postgres), digest(readFileSync(postgres))]);
  }
}
if (written.length === 0) console.log(`Every schema version (1..${versions.at(-1)}) has its fixtures; nothing written.`);
for (const [file, sha] of written) console.log(`wrote ${file}  sha256 ${sha}`);
