import { brand, hasBrand, stamp } from './brand.js';
import { TaskError } from './errors.js';

export type BackoffStrategy =
  | { readonly type: 'fixed' }
  | { readonly type: 'linear'; readonly multiplier: number }
  | { readonly type: 'exponential'; readonly base: number; readonly multiplier: number };

/** When a failed attempt is retried; a retry happens when any condition matches. */
export type RetryCondition =
  | { readonly type: 'allErrors' }
  | { readonly type: 'never' }
  | { readonly type: 'transientOnly' }
  | { readonly type: 'errorPattern'; readonly patterns: readonly string[] };

export interface RetryPolicyOptions {
  /** Total runs, the first included; 1 means no retry. */
  maxAttempts?: number;
  backoff?: BackoffStrategy;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Spread each delay by up to +-25% so retries of many tasks do not stampede. */
  jitter?: boolean;
  conditions?: readonly RetryCondition[];
}

const RETRY_POLICY = brand('RetryPolicy');
const JITTER_SPREAD = 0.25;

function assertNumber(field: string, value: number, min: number, integer = false): void {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new TypeError(`RetryPolicy ${field} must be ${integer ? 'an integer' : 'a finite number'} >= ${min}, got ${String(value)}`);
  }
}

function validateBackoff(backoff: BackoffStrategy): void {
  switch (backoff?.type) {
    case 'fixed':
      return;
    case 'linear':
      assertNumber('backoff.multiplier', backoff.multiplier, 0);
      return;
    case 'exponential':
      assertNumber('backoff.base', backoff.base, 1);
      assertNumber('backoff.multiplier', backoff.multiplier, 0);
      return;
    default:
      throw new TypeError(`RetryPolicy backoff.type must be fixed, linear or exponential, got ${JSON.stringify((backoff as { type?: unknown })?.type)}`);
  }
}

function validateCondition(condition: RetryCondition, index: number): void {
  const where = `RetryPolicy conditions[${index}]`;
  switch (condition?.type) {
    case 'allErrors':
    case 'never':
    case 'transientOnly':
      return;
    case 'errorPattern':
      if (!Array.isArray(condition.patterns) || condition.patterns.some((p) => typeof p !== 'string' || p === '')) {
        throw new TypeError(`${where}.patterns must be an array of non-empty strings`);
      }
      return;
    default:
      throw new TypeError(`${where}.type must be allErrors, never, transientOnly or errorPattern, got ${JSON.stringify((condition as { type?: unknown })?.type)}`);
  }
}

/**
 * How often and how soon a failed task runs again. Defaults: 3 attempts, exponential
 * backoff (base 2) from 1 s up to 60 s, jitter on, retry on every error.
 */
export class RetryPolicy {
  readonly maxAttempts: number;
  readonly backoff: BackoffStrategy;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly jitter: boolean;
  readonly conditions: readonly RetryCondition[];

  constructor(options: RetryPolicyOptions = {}) {
    this.maxAttempts = options.maxAttempts ?? 3;
    this.backoff = options.backoff ?? { type: 'exponential', base: 2, multiplier: 1 };
    this.initialDelayMs = options.initialDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 60_000;
    this.jitter = options.jitter ?? true;
    this.conditions = options.conditions ?? [{ type: 'allErrors' }];
    assertNumber('maxAttempts', this.maxAttempts, 1, true);
    assertNumber('initialDelayMs', this.initialDelayMs, 0);
    assertNumber('maxDelayMs', this.maxDelayMs, 0);
    if (this.maxDelayMs < this.initialDelayMs) {
      throw new TypeError(`RetryPolicy maxDelayMs (${this.maxDelayMs}) must not be below initialDelayMs (${this.initialDelayMs})`);
    }
    validateBackoff(this.backoff);
    if (!Array.isArray(this.conditions)) throw new TypeError('RetryPolicy conditions must be an array');
    this.conditions.forEach(validateCondition);
    this.backoff = Object.freeze({ ...this.backoff });
    this.conditions = Object.freeze(this.conditions.map((c) => Object.freeze({ ...c })));
    stamp(this, RETRY_POLICY);
    Object.freeze(this);
  }

  /** The policy a task gets when it names none. */
  static default(): RetryPolicy {
    return new RetryPolicy();
  }

  /** One attempt, no retry. */
  static none(): RetryPolicy {
    return new RetryPolicy({ maxAttempts: 1 });
  }

  /** Accepts a policy from any copy of the package, or options for a new one. */
  static from(value: RetryPolicy | RetryPolicyOptions | undefined): RetryPolicy {
    if (value === undefined) return RetryPolicy.default();
    // Another copy's policy is rebuilt so the result has this copy's methods.
    if (Object.getPrototypeOf(value) === RetryPolicy.prototype) return value as RetryPolicy;
    return new RetryPolicy(value);
  }

  static isRetryPolicy(value: unknown): value is RetryPolicy {
    return hasBrand(value, RETRY_POLICY);
  }

  /**
   * The wait before retry number `retry` (1 = the first retry). Jitter is applied before
   * the cap, so the result never exceeds maxDelayMs. `random` returns a number in [0, 1).
   */
  delayFor(retry: number, random: () => number = Math.random): number {
    assertNumber('delayFor retry', retry, 1, true);
    const base = this.#baseDelay(retry);
    const spread = this.jitter ? 1 + (random() * 2 - 1) * JITTER_SPREAD : 1;
    return Math.max(0, Math.min(this.maxDelayMs, Math.round(base * spread)));
  }

  /** Whether an attempt that failed with `error` may run again; `attempt` counts from 1. */
  shouldRetry(error: unknown, attempt: number): boolean {
    if (attempt >= this.maxAttempts) return false;
    const failure = TaskError.from(error);
    return this.conditions.some((condition) => {
      switch (condition.type) {
        case 'allErrors':
          return true;
        case 'never':
          return false;
        case 'transientOnly':
          return failure.retryable;
        case 'errorPattern':
          return condition.patterns.some((pattern) => failure.message.includes(pattern));
      }
    });
  }

  toJSON(): RetryPolicyOptions {
    return {
      maxAttempts: this.maxAttempts,
      backoff: this.backoff,
      initialDelayMs: this.initialDelayMs,
      maxDelayMs: this.maxDelayMs,
      jitter: this.jitter,
      conditions: this.conditions,
    };
  }

  #baseDelay(retry: number): number {
    const backoff = this.backoff;
    switch (backoff.type) {
      case 'fixed':
        return this.initialDelayMs;
      case 'linear':
        return this.initialDelayMs * retry * backoff.multiplier;
      case 'exponential': {
        const scale = this.initialDelayMs * backoff.multiplier;
        // 0 x Infinity would be NaN when the power overflows; no scale means no delay.
        return scale === 0 ? 0 : scale * backoff.base ** (retry - 1);
      }
    }
  }
}
