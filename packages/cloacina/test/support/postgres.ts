// The throwaway PostgreSQL cluster shared with the benchmarks (scripts/lib/postgres.mjs).
export { startPostgres, type PostgresCluster } from '../../../../scripts/lib/postgres.mjs';
