export function replaceOutputs(
  outputFiles: ReadonlyArray<{ path: string; contents: Uint8Array }>,
  dir: string,
  options: { isChunk: (path: string) => boolean; owned?: (path: string) => boolean },
): void;
