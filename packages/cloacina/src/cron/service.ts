// Fires cron schedules. Slots missed while no runner was up are caught up by each
// schedule's policy: `latest` fires the most recent missed slot only; `all` fires each of
// them, oldest first, at most `maxCatchUp` (the most recent ones). A slot is recorded and
// its execution created in one transaction, so no slot fires twice, even across restarts.
import { randomUUID } from 'node:crypto';
import { Context, type JsonValue, type PackagedWorkflow } from 'cloacina-workflow';
import type { CatchUp, CronScheduleRecord, NewExecution, ScheduleChanges, Store } from '../dal/types.js';
import type { ExecutionDriver } from '../engine/driver.js';
import { CronExpression } from './expression.js';

export interface CronOptions {
  /** Five fields: minute hour day-of-month month day-of-week. */
  cron: string;
  /** IANA time zone of the expression's wall clock (default UTC). */
  timezone?: string;
  /** Initial context of every fired execution. */
  context?: Readonly<Record<string, JsonValue>>;
  /** Slots missed while no runner was up: the most recent one only (`latest`, the default), or each of them (`all`). */
  catchUp?: CatchUp;
  /** With `catchUp: 'all'`: at most this many missed slots fire, the most recent ones (default 10, at most 1,000). */
  maxCatchUp?: number;
  /** A disabled schedule fires nothing until it is enabled (default true). */
  enabled?: boolean;
}

/** What `runner.updateSchedule` may change: any of these; the others stay. */
export type ScheduleUpdate = Partial<Omit<CronOptions, 'context'>> & { context?: Readonly<Record<string, JsonValue>> };

/** A stored cron schedule, as `runner.schedules()` lists it. */
export interface ScheduleInfo {
  scheduleId: string;
  workflow: string;
  cron: string;
  timezone: string;
  context: Record<string, JsonValue>;
  enabled: boolean;
  catchUp: CatchUp;
  maxCatchUp: number;
  /** The last slot that fired (epoch ms); before any, when the schedule was created or last enabled. */
  lastSlot: number;
  /** The next slot it fires for (none while disabled, or when the expression never matches again). */
  nextSlot?: number;
}

const DEFAULT_MAX_CATCH_UP = 10;
const MAX_CATCH_UP = 1000;

interface CronHost {
  intervalMs: number;
  now: () => number;
  start: (execution: NewExecution) => ExecutionDriver;
  workflow: (name: string) => PackagedWorkflow | undefined;
  /** A new execution of `workflow` as this runner creates them (owner, lease, timeout). */
  newExecution: (workflow: PackagedWorkflow, initialContext: string, startedAt: number) => NewExecution;
}

export class CronService {
  #timer: ReturnType<typeof setInterval> | undefined;
  #ticking: Promise<ExecutionDriver[]> | undefined;

  constructor(
    private readonly store: Store,
    private readonly host: CronHost,
  ) {}

  async add(workflow: string, options: CronOptions): Promise<string> {
    const checked = checkOptions('schedule', options);
    const timezone = checked.timezone ?? 'UTC';
    new CronExpression(options.cron, timezone); // validates before anything is stored
    const id = randomUUID();
    await this.store.addSchedule({
      id,
      workflow,
      expression: options.cron,
      timezone,
      context: new Context(options.context ?? {}).encode(),
      lastSlot: this.host.now(),
      enabled: checked.enabled ?? true,
      catchUp: checked.catchUp ?? 'latest',
      maxCatchUp: checked.maxCatchUp ?? DEFAULT_MAX_CATCH_UP,
    });
    return id;
  }

  remove(id: string): Promise<boolean> {
    return this.store.removeSchedule(id);
  }

  async list(): Promise<ScheduleInfo[]> {
    return (await this.store.schedules()).map((s) => this.#info(s));
  }

  /**
   * Changes a schedule. A new expression or time zone counts slots from now on, and so does
   * enabling a disabled schedule: slots passed meanwhile never fire.
   */
  async update(id: string, update: ScheduleUpdate): Promise<ScheduleInfo> {
    const checked = checkOptions('updateSchedule', update);
    const current = (await this.store.schedules()).find((s) => s.id === id);
    if (current === undefined) throw new Error(`no cron schedule ${id}`);
    const changes: ScheduleChanges = {};
    if (checked.cron !== undefined) changes.expression = checked.cron;
    if (checked.timezone !== undefined) changes.timezone = checked.timezone;
    if (checked.cron !== undefined || checked.timezone !== undefined) {
      new CronExpression(checked.cron ?? current.expression, checked.timezone ?? current.timezone);
    }
    if (update.context !== undefined) changes.context = new Context(update.context).encode();
    if (checked.enabled !== undefined) changes.enabled = checked.enabled;
    if (checked.catchUp !== undefined) changes.catchUp = checked.catchUp;
    if (checked.maxCatchUp !== undefined) changes.maxCatchUp = checked.maxCatchUp;
    const restarts = changes.expression !== undefined || changes.timezone !== undefined || (changes.enabled === true && !current.enabled);
    if (restarts) changes.lastSlotAtLeast = this.host.now();
    const updated = await this.store.updateSchedule(id, changes);
    if (updated === undefined) throw new Error(`no cron schedule ${id}`);
    return this.#info(updated);
  }

  #info(s: CronScheduleRecord): ScheduleInfo {
    const info: ScheduleInfo = {
      scheduleId: s.id,
      workflow: s.workflow,
      cron: s.expression,
      timezone: s.timezone,
      context: Context.fromJSON(s.context).toJSON(),
      enabled: s.enabled,
      catchUp: s.catchUp,
      maxCatchUp: s.maxCatchUp,
      lastSlot: s.lastSlot,
    };
    if (s.enabled) {
      const next = new CronExpression(s.expression, s.timezone).next(Math.max(s.lastSlot, this.host.now()));
      if (next !== undefined) info.nextSlot = next;
    }
    return info;
  }

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => void this.tick().catch(() => {}), this.host.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Fires the slots of every enabled schedule that have not fired yet; returns the started executions. */
  tick(): Promise<ExecutionDriver[]> {
    this.#ticking ??= this.#tick().finally(() => (this.#ticking = undefined));
    return this.#ticking;
  }

  async #tick(): Promise<ExecutionDriver[]> {
    const now = this.host.now();
    const started: ExecutionDriver[] = [];
    for (const schedule of await this.store.schedules()) {
      if (!schedule.enabled) continue;
      const workflow = this.host.workflow(schedule.workflow);
      if (workflow === undefined) continue;
      for (const slot of dueSlots(schedule, now)) {
        const execution = this.host.newExecution(workflow, schedule.context, now);
        // Refused: another runner fired this slot (or a later one) first; it fires the rest.
        if (!(await this.store.fireSchedule(schedule.id, slot, execution))) break;
        started.push(this.host.start(execution));
      }
    }
    return started;
  }
}

/** The slots after the last one fired, up to `now`, oldest first, as many as the policy lets fire. */
export function dueSlots(schedule: CronScheduleRecord, now: number): number[] {
  const expression = new CronExpression(schedule.expression, schedule.timezone);
  const bound = schedule.catchUp === 'all' ? schedule.maxCatchUp : 1;
  const slots: number[] = [];
  let slot = expression.previous(now, now - schedule.lastSlot);
  while (slot !== undefined && slot > schedule.lastSlot && slots.length < bound) {
    slots.push(slot);
    slot = expression.previous(slot - 1, slot - 1 - schedule.lastSlot);
  }
  return slots.reverse();
}

/** Checks the options of `schedule` and `updateSchedule`, naming the field at fault. */
function checkOptions(method: string, options: ScheduleUpdate): ScheduleUpdate {
  if (options === null || typeof options !== 'object') throw new TypeError(`${method}: options must be an object`);
  const { cron, timezone, catchUp, maxCatchUp, enabled } = options;
  if (cron !== undefined && typeof cron !== 'string') throw new TypeError(`${method}: cron must be a string of five fields, got ${String(cron)}`);
  if (timezone !== undefined && typeof timezone !== 'string') throw new TypeError(`${method}: timezone must be an IANA time zone name, got ${String(timezone)}`);
  if (catchUp !== undefined && catchUp !== 'latest' && catchUp !== 'all') {
    throw new TypeError(`${method}: catchUp must be 'latest' or 'all', got ${JSON.stringify(catchUp)}`);
  }
  if (maxCatchUp !== undefined && (!Number.isInteger(maxCatchUp) || maxCatchUp < 1 || maxCatchUp > MAX_CATCH_UP)) {
    throw new TypeError(`${method}: maxCatchUp must be an integer from 1 to ${MAX_CATCH_UP}, got ${String(maxCatchUp)}`);
  }
  if (enabled !== undefined && typeof enabled !== 'boolean') throw new TypeError(`${method}: enabled must be true or false, got ${String(enabled)}`);
  return options;
}
