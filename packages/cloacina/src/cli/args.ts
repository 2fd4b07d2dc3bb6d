// Command-line arguments: positionals, valued flags and switches, with errors that name the
// flag at fault (exit code 2).

export class UsageError extends Error {}

export interface Parsed {
  positional: string[];
  values: Map<string, string>;
  switches: Set<string>;
}

/** Parses `argv` against the flags a command takes; anything else is a usage error. */
export function parseArgs(argv: readonly string[], valued: readonly string[], switches: readonly string[]): Parsed {
  const parsed: Parsed = { positional: [], values: new Map(), switches: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!name.startsWith('-') || name === '-') {
      parsed.positional.push(arg);
    } else if (valued.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`${name} needs a value`);
      parsed.values.set(name, value);
    } else if (switches.includes(name) && eq < 0) {
      parsed.switches.add(name);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  return parsed;
}

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** A point in time: an ISO date or time, or a duration back from now (`90s`, `15m`, `12h`, `30d`, `2w`). */
export function parseTime(flag: string, value: string, now = Date.now()): number {
  const duration = /^(\d+)(ms|s|m|h|d|w)$/.exec(value);
  if (duration) return now - Number(duration[1]) * UNITS[duration[2]!]!;
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new UsageError(`${flag}: ${JSON.stringify(value)} is neither an ISO date (2026-11-24, 2026-11-24T09:00:00Z) nor a duration back from now (90s, 15m, 12h, 30d, 2w)`);
  return ms;
}

/** A positive integer flag. */
export function parseCount(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got ${JSON.stringify(value)}`);
  return n;
}
