/**
 * A value built the first time it is used, not when its module loads.
 *
 * Every module of the Worker runs its top level when an isolate starts, before the first request,
 * and building a zod schema is real work (each one an object with its checks, its internals and,
 * in classic zod, its methods): built at module load, the Worker's schemas were most of its start-up
 * CPU (README, Performance: "The first call of the day"). `lazy(() => z.object(...))` stands in for
 * the schema it makes, with the same type, so modules import and compose it as before
 * (`z.object({ at: lazyOne })`, `lazyOne.extend(...)`, `validate("json", lazyOne)`); the schema is
 * made at its first use and kept. A schema made from others must be lazy too, or it makes them at
 * load. Zod recognises a schema by its `_zod` internals (`instanceof` included), which the stand-in
 * hands over like any other property.
 */
export function lazy<T extends object>(make: () => T): T {
  let made: T | undefined;
  const it = () => (made ??= make());
  return new Proxy({} as T, {
    get: (_, key) => Reflect.get(it(), key),
    has: (_, key) => Reflect.has(it(), key),
    ownKeys: () => Reflect.ownKeys(it()),
    // The stand-in itself holds nothing, so a property may not be reported as fixed on it.
    getOwnPropertyDescriptor: (_, key) => {
      const d = Reflect.getOwnPropertyDescriptor(it(), key);
      return d && { ...d, configurable: true };
    },
    getPrototypeOf: () => Reflect.getPrototypeOf(it()),
    set: (_, key, value) => Reflect.set(it(), key, value),
    defineProperty: (_, key, d) => Reflect.defineProperty(it(), key, d),
    deleteProperty: (_, key) => Reflect.deleteProperty(it(), key),
  });
}
