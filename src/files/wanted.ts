// The names worth listing: sources and manifests (git matches these globs itself).
import { EXTENSIONS } from '../parsers.js';

export const WANTED: readonly string[] = [...EXTENSIONS.map((ext) => `*${ext}`), '*package.json'];
