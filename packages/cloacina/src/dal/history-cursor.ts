// History pages continue from an opaque cursor: the position (start time, insertion
// sequence) of the last item of the previous page, so a page never repeats or skips an
// execution even when many started in the same millisecond or new ones arrive meanwhile.

export interface HistoryPosition {
  startedAt: number;
  seq: number;
}

export function encodeCursor(position: HistoryPosition): string {
  return Buffer.from(`${position.startedAt}:${position.seq}`).toString('base64url');
}

export function decodeCursor(cursor: string): HistoryPosition {
  const match = /^(-?\d+):(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (match === null) throw new TypeError(`history: cursor ${JSON.stringify(cursor)} is not a cursor returned by history()`);
  return { startedAt: Number(match[1]), seq: Number(match[2]) };
}
