// A pg client that closes its socket when connecting fails. pg leaves it open (for instance
// after refusing to answer a password request it has no password for), so the server keeps
// the session until its authentication_timeout (60 s) and the process cannot exit meanwhile.
import pg from 'pg';

type Socketed = { connection?: { stream?: { destroy(): void } } };
type Callback = ((err: Error) => void) | ((err: null, c: pg.Client) => void);

export class ClosingClient extends pg.Client {
  override connect(): Promise<pg.Client>;
  override connect(callback: Callback): void;
  override connect(callback?: Callback): Promise<pg.Client> | void {
    const close = () => (this as unknown as Socketed).connection?.stream?.destroy();
    if (callback === undefined) {
      return super.connect().catch((error: unknown) => {
        close();
        throw error;
      });
    }
    super.connect(((error: Error | null, client?: pg.Client) => {
      if (error) close();
      (callback as (err: Error | null, c?: pg.Client) => void)(error, client);
    }) as Callback);
  }
}
