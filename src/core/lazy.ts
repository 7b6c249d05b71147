/**
 * lazy is an object built on its first use: nothing runs until an operation touches it (a property read or write,
 * `in`, its keys, a descriptor, its prototype, `instanceof`, define, delete); build() then runs once, and from then
 * on the object answers every operation as the built one would. Module-level zod schemas are wrapped in it, so that
 * importing a module calls no zod function (and the bundle does not even load zod, scripts/lazy-libraries.mjs)
 * until a run validates something; a warm healthy run validates nothing.
 *
 * The lazy object must be the schema itself, not a stand-in for it: zod keeps schemas in maps by identity
 * (z.toJSONSchema's, its registries), and a schema's internals are closures over the instance they were built
 * for, which pass that instance on. A Proxy that forwarded to the built schema would put two identities in those
 * maps (z.toJSONSchema then failed). So the Proxy's target becomes the object: a zod schema is constructed again
 * with the proxy as `this` (its constructor with the built one's definition, which `new` would run), anything else
 * has its own properties copied; either way with the built object's prototype. The Proxy's traps then only see
 * that this happened and act on the target, which also keeps every Proxy invariant.
 *
 * build must return a plain object or a zod schema: not a function (the proxy is not callable), an array
 * (Array.isArray is false) or an object with internal slots or closures over itself (a Map, a class with #fields).
 */
export function lazy<T extends object>(build: () => T): T {
  const target: object = {};
  let built = false;
  const ready = (): object => {
    if (!built) {
      built = true;
      adopt(build(), target, proxy);
    }
    return target;
  };
  const proxy = new Proxy(target, {
    get: (_, key, receiver) => Reflect.get(ready(), key, receiver),
    set: (_, key, value, receiver) => Reflect.set(ready(), key, value, receiver),
    has: (_, key) => Reflect.has(ready(), key),
    ownKeys: () => Reflect.ownKeys(ready()),
    getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(ready(), key),
    defineProperty: (_, key, d) => Reflect.defineProperty(ready(), key, d),
    deleteProperty: (_, key) => Reflect.deleteProperty(ready(), key),
    getPrototypeOf: () => Reflect.getPrototypeOf(ready()),
    setPrototypeOf: (_, proto) => Reflect.setPrototypeOf(ready(), proto),
    isExtensible: () => Reflect.isExtensible(ready()),
    preventExtensions: () => Reflect.preventExtensions(ready()),
  });
  return proxy as T;
}

/** The part of a zod schema's internals that rebuilds it: its constructor, its definition, the schema it refines. */
type ZodInternals = { constr: (this: object, def: unknown) => unknown; def: unknown; parent?: object };

/** adopt makes TARGET (seen through PROXY) the object BUILT is: see lazy. */
function adopt(built: object, target: object, proxy: object): void {
  Object.setPrototypeOf(target, Object.getPrototypeOf(built));
  const zod = (built as { _zod?: Partial<ZodInternals> })._zod;
  if (zod && typeof zod.constr === "function") {
    // What `new` runs, with the proxy as the instance (its constructor is a plain function that initializes `this`).
    zod.constr.call(proxy, zod.def);
    // Set by zod after construction for a refinement (.min(), .refine()): z.toJSONSchema reads it.
    if (zod.parent) (proxy as { _zod: ZodInternals })._zod.parent = zod.parent;
    return;
  }
  Object.defineProperties(target, Object.getOwnPropertyDescriptors(built));
}
