// A throwaway PostgreSQL cluster for tests and benchmarks: initdb into a temp folder,
// pg_ctl start on a unix socket in that folder (no TCP), stop and delete afterwards. As
// root, the server runs as the `postgres` user (initdb refuses root).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function binDir() {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  throw new Error('PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql; install the postgresql package');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function run(command, args) {
  if (process.getuid?.() !== 0) {
    execFileSync(command, args, { stdio: 'pipe' });
    return;
  }
  const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  execFileSync('su', ['postgres', '-s', '/bin/sh', '-c', quoted], { stdio: 'pipe' });
}

/** Starts a cluster; returns its connection URL and a stop() that also deletes it. */
export async function startPostgres() {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'cloacina-pg-'));
  if (process.getuid?.() === 0) {
    const id = (flag) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const start = () =>
    run(join(bin, 'pg_ctl'), [
      '-D', data, '-l', join(dir, 'server.log'), '-w', '-t', '60',
      '-o', `-k ${dir} -p ${port} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
      'start',
    ]);
  start();
  return {
    url: `postgresql://postgres@${encodeURIComponent(dir)}:${port}/postgres`,
    /**
     * Stops the server, keeping its data for restart(): `fast` ends every session (an
     * outage), `immediate` as a crash would (with this cluster's synchronous_commit=off it
     * may lose the last commits).
     */
    halt(mode = 'fast') {
      run(join(bin, 'pg_ctl'), ['-D', data, '-m', mode, '-w', 'stop']);
    },
    /** Starts the server again on the same socket and data after halt(). */
    restart() {
      start();
    },
    async stop() {
      try {
        run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
