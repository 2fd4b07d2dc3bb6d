export interface PostgresCluster {
  url: string;
  stop(): Promise<void>;
}
export function startPostgres(): Promise<PostgresCluster>;
