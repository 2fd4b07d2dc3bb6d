// Five-field cron expressions (minute hour day-of-month month day-of-week) evaluated on
// the wall clock of an IANA time zone. Day-of-month and day-of-week combine as in
// Vixie cron: when both are restricted, a day matches if either does.
// Wall times that do not exist (spring forward) fire shifted forward by the gap; wall
// times that occur twice (fall back) fire once, at the first occurrence.

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

const NAMES: Record<string, Record<string, number>> = {
  month: Object.fromEntries(['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'].map((m, i) => [m, i + 1])),
  'day-of-week': Object.fromEntries(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((d, i) => [d, i])),
};

const MINUTE = 60_000;
const DAY = 86_400_000;

export class CronExpression {
  readonly minutes: ReadonlySet<number>;
  readonly hours: ReadonlySet<number>;
  readonly days: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  readonly weekdays: ReadonlySet<number>;
  readonly #dayRestricted: boolean;
  readonly #weekdayRestricted: boolean;
  readonly #format: Intl.DateTimeFormat;

  constructor(
    readonly source: string,
    readonly timezone = 'UTC',
  ) {
    const parts = source.trim().split(/\s+/);
    if (parts.length !== 5) throw new TypeError(`cron expression ${JSON.stringify(source)} must have 5 fields, found ${parts.length}`);
    const sets = parts.map((part, i) => parseField(part, FIELDS[i]!, source));
    [this.minutes, this.hours, this.days, this.months] = sets as [Set<number>, Set<number>, Set<number>, Set<number>];
    const weekdays = new Set([...sets[4]!].map((d) => d % 7));
    this.weekdays = weekdays;
    this.#dayRestricted = parts[2] !== '*';
    this.#weekdayRestricted = parts[4] !== '*';
    try {
      this.#format = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
      });
    } catch {
      throw new TypeError(`unknown time zone ${JSON.stringify(timezone)}`);
    }
  }

  /** The latest slot at or before `at` (epoch ms), searching back at most `horizonMs`. */
  previous(at: number, horizonMs = 366 * DAY): number | undefined {
    let wall = floorMinute(this.#wall(at));
    const stop = wall - horizonMs;
    while (wall >= stop) {
      const d = new Date(wall);
      if (!this.#dayMatches(d)) {
        wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - MINUTE;
      } else if (!this.hours.has(d.getUTCHours())) {
        wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours()) - MINUTE;
      } else if (!this.minutes.has(d.getUTCMinutes())) {
        wall -= MINUTE;
      } else {
        const instant = this.#instant(wall);
        if (instant <= at) return instant;
        wall -= MINUTE;
      }
    }
    return undefined;
  }

  /** The first slot strictly after `at` (epoch ms). */
  next(at: number, horizonMs = 366 * DAY * 5): number | undefined {
    let wall = floorMinute(this.#wall(at)) + MINUTE;
    const stop = wall + horizonMs;
    while (wall <= stop) {
      const d = new Date(wall);
      if (!this.#dayMatches(d)) {
        wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1);
      } else if (!this.hours.has(d.getUTCHours())) {
        wall = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours() + 1);
      } else if (!this.minutes.has(d.getUTCMinutes())) {
        wall += MINUTE;
      } else {
        const instant = this.#instant(wall);
        if (instant > at) return instant;
        wall += MINUTE;
      }
    }
    return undefined;
  }

  #dayMatches(d: Date): boolean {
    if (!this.months.has(d.getUTCMonth() + 1)) return false;
    const dom = this.days.has(d.getUTCDate());
    const dow = this.weekdays.has(d.getUTCDay());
    if (this.#dayRestricted && this.#weekdayRestricted) return dom || dow;
    return dom && dow;
  }

  /** The zone's wall clock at `instant`, as a UTC-based timestamp. */
  #wall(instant: number): number {
    const f: Record<string, number> = {};
    for (const p of this.#format.formatToParts(new Date(instant))) if (p.type !== 'literal') f[p.type] = Number(p.value);
    return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!) + (instant % MINUTE + MINUTE) % MINUTE;
  }

  /** The instant a wall time names: earliest if it occurs twice, shifted by the gap if never. */
  #instant(wall: number): number {
    const offsets = new Set([this.#wall(wall - DAY / 2) - (wall - DAY / 2), this.#wall(wall + DAY / 2) - (wall + DAY / 2)]);
    const exact = [...offsets].map((o) => wall - o).filter((i) => this.#wall(i) === wall).sort((a, b) => a - b);
    if (exact.length > 0) return exact[0]!;
    // In a gap: use the offset in force before the transition, which lands after it.
    return wall - (this.#wall(wall - DAY / 2) - (wall - DAY / 2));
  }
}

function floorMinute(ms: number): number {
  return Math.floor(ms / MINUTE) * MINUTE;
}

function parseField(text: string, field: (typeof FIELDS)[number], source: string): Set<number> {
  const values = new Set<number>();
  const fail = (why: string): never => {
    throw new TypeError(`cron expression ${JSON.stringify(source)}: ${field.name} field ${JSON.stringify(text)} ${why}`);
  };
  const value = (token: string): number => {
    const named = NAMES[field.name]?.[token.toLowerCase()];
    const n = named ?? (/^\d+$/.test(token) ? Number(token) : NaN);
    if (!Number.isInteger(n) || n < field.min || n > field.max) fail(`has ${JSON.stringify(token)}, outside ${field.min}-${field.max}`);
    return n;
  };
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/') as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) fail(`has an invalid step ${JSON.stringify(stepText)}`);
    let low: number;
    let high: number;
    if (range === '*') {
      [low, high] = [field.min, field.name === 'day-of-week' ? 6 : field.max];
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      [low, high] = [value(a), value(b)];
      if (low > high) fail(`has a reversed range ${range}`);
    } else {
      low = value(range);
      high = stepText === undefined ? low : field.max;
    }
    for (let v = low; v <= high; v += step) values.add(v);
  }
  if (values.size === 0) fail('matches nothing');
  return values;
}
