// The runtime's own version, read from its package.json (named in telemetry scopes).
import { createRequire } from 'node:module';

export const RUNTIME_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
