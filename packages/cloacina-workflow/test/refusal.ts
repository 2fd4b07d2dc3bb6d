import { expect } from 'vitest';
import { ContextError } from 'cloacina-workflow';

/** Runs `action`, which must throw a ContextError; returns it. */
export function refusal(action: () => unknown): ContextError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ContextError);
    return error as ContextError;
  }
  throw new Error('expected a ContextError');
}
