export interface PostgresCluster {
  url: string;
  stop(): Promise<void>;
  /** Stops the server (`fast`: ends every session; `immediate`: as a crash), keeping its data for restart(). */
  halt(mode?: 'fast' | 'immediate'): void;
  /** Starts the server again on the same socket and data after halt(). */
  restart(): void;
}
export function startPostgres(): Promise<PostgresCluster>;
