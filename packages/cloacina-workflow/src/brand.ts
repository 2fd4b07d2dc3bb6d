// Objects must be recognised across copies of this package (two minor versions, a bundled
// and an installed copy, another vm realm), so identity never relies on `instanceof` alone:
// every class stamps its instances with a registry symbol shared by all copies.

/** The cross-copy brand for one kind of object. */
export function brand(name: string): symbol {
  return Symbol.for(`cloacina-workflow.${name}`);
}

/** True when `value` carries the given brand, whichever copy of the package made it. */
export function hasBrand(value: unknown, key: symbol): boolean {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    (value as Record<symbol, unknown>)[key] === true
  );
}

/** Stamps `target` with a non-enumerable brand, so JSON output and spreads stay clean. */
export function stamp(target: object, key: symbol): void {
  Object.defineProperty(target, key, { value: true, enumerable: false });
}

type AnyConstructor = abstract new (...args: never[]) => unknown;

/**
 * `instanceof` for a branded base class: on the base itself it checks the brand (so
 * another copy's instances match); on a user's subclass it falls back to the prototype
 * chain, so `x instanceof MySubclass` never answers true for every base-class instance.
 */
export function brandedHasInstance(base: AnyConstructor, key: symbol) {
  return function (this: AnyConstructor, value: unknown): boolean {
    if (this === base) return hasBrand(value, key);
    return Function.prototype[Symbol.hasInstance].call(this, value);
  };
}
