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
 * hands over like any other property. The same goes for any object, such as a Hono app.
 */
export function lazy<T extends object>(make: () => T): T {
  return new Proxy<Held<T>>({ make, value: undefined }, HANDLER) as unknown as T;
}

type Held<T> = { make: () => T; value: T | undefined };

const it = <T extends object>(held: Held<T>) => (held.value ??= held.make());

/** One handler for every stand-in (each holds only its maker and, once made, its value). */
const HANDLER: ProxyHandler<Held<object>> = {
  get: (held, key) => Reflect.get(it(held), key),
  has: (held, key) => Reflect.has(it(held), key),
  ownKeys: (held) => Reflect.ownKeys(it(held)),
  // The stand-in's own holder is not the value: a property may not be reported as fixed on it.
  getOwnPropertyDescriptor: (held, key) => {
    const d = Reflect.getOwnPropertyDescriptor(it(held), key);
    return d && { ...d, configurable: true };
  },
  getPrototypeOf: (held) => Reflect.getPrototypeOf(it(held)),
  set: (held, key, value) => Reflect.set(it(held), key, value),
  defineProperty: (held, key, d) => Reflect.defineProperty(it(held), key, d),
  deleteProperty: (held, key) => Reflect.deleteProperty(it(held), key),
};
