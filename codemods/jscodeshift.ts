// A jscodeshift transform over the same analysis and edits as the CLI: stock jscodeshift
// (`jscodeshift -t dist/codemods/<name>.js`) gets exactly the text the CLI writes. Flags go
// to `options.flags` when the caller passes an array there.
import type { API, FileInfo, Options, Transform } from 'jscodeshift';
import type { Flag } from '../src/edits/flags.js';
import { transformSource } from '../src/transform-source.js';
import type { CodemodEntry } from './index.js';

export function jscodeshiftTransform(codemods: readonly CodemodEntry[]): Transform {
  return (file: FileInfo, _api: API, options: Options): string | undefined => {
    const outcome = transformSource(file.path, file.source, codemods);
    if (Array.isArray(options.flags)) (options.flags as Flag[]).push(...outcome.flags);
    return outcome.changed ? outcome.output : undefined;
  };
}
