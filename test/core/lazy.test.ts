import { describe, expect, it } from "vitest";
import { z } from "zod";
import { lazy } from "../../src/core/lazy.js";

/** counted is a lazy object with the number of times its builder ran. */
function counted<T extends object>(build: () => T): { value: T; builds: () => number } {
  let n = 0;
  const value = lazy(() => {
    n++;
    return build();
  });
  return { value, builds: () => n };
}

describe("lazy", () => {
  it("builds nothing before the first use, and once", () => {
    const { value, builds } = counted(() => ({ a: 1, b: "two" }));
    expect(builds()).toBe(0);
    expect(value.a).toBe(1);
    expect(value.b).toBe("two");
    expect("a" in value).toBe(true);
    expect(builds()).toBe(1);
  });

  it.each([
    ["a property read", (o: Record<string, unknown>) => o.a],
    ["a write", (o: Record<string, unknown>) => (o.c = 3)],
    ["in", (o: Record<string, unknown>) => "a" in o],
    ["keys", (o: Record<string, unknown>) => Object.keys(o)],
    ["a descriptor", (o: Record<string, unknown>) => Object.getOwnPropertyDescriptor(o, "a")],
    ["the prototype", (o: Record<string, unknown>) => Object.getPrototypeOf(o)],
    ["instanceof", (o: Record<string, unknown>) => o instanceof Object],
    ["define", (o: Record<string, unknown>) => Object.defineProperty(o, "d", { value: 4, configurable: true })],
    ["delete", (o: Record<string, unknown>) => delete o.a],
  ])("builds on %s", (_, use) => {
    const { value, builds } = counted<Record<string, unknown>>(() => ({ a: 1 }));
    use(value);
    expect(builds()).toBe(1);
  });

  it("acts as the built object: keys, entries, spread, JSON, writes and deletes", () => {
    const value = lazy(() => ({ a: 1, b: [2, 3] }) as Record<string, unknown>);
    expect(Object.keys(value)).toEqual(["a", "b"]);
    expect(Object.entries(value)).toEqual([
      ["a", 1],
      ["b", [2, 3]],
    ]);
    expect({ ...value }).toEqual({ a: 1, b: [2, 3] });
    expect(JSON.stringify(value)).toBe('{"a":1,"b":[2,3]}');
    value.c = 4;
    delete value.a;
    expect({ ...value }).toEqual({ b: [2, 3], c: 4 });
    expect(Object.isFrozen(Object.freeze(value))).toBe(true);
  });

  it("calls methods with this = the lazy object, and keeps its class", () => {
    class Counter {
      n = 0;
      add(k: number): this {
        this.n += k;
        return this;
      }
    }
    const value = lazy(() => new Counter());
    expect(value.add(2)).toBe(value);
    expect(value.add(3).n).toBe(5);
    expect(value instanceof Counter).toBe(true);
    expect(Object.getPrototypeOf(value)).toBe(Counter.prototype);
  });

  describe("with zod schemas: the same results as the plain schema", () => {
    const make = (wrap: <T extends object>(f: () => T) => T) => {
      const duration = wrap(() =>
        z.union([z.string(), z.number()]).transform((v) => (typeof v === "number" ? v * 1000 : Number.parseInt(v))),
      );
      const name = wrap(() => z.string().min(1).regex(/^\w+$/, "letters only"));
      const common = wrap(() => ({ name, timeout: duration.default(10_000) }));
      const tcp = wrap(() => z.strictObject({ type: z.literal("tcp"), port: z.number().int() }));
      const http = wrap(() => z.strictObject({ type: z.literal("http"), url: z.string() }));
      const check = wrap(() => z.discriminatedUnion("type", [tcp.extend(common), http.extend(common)]));
      // Used twice, once through a method (.transform) and once as an element: z.toJSONSchema's map by identity.
      const phone = wrap(() => z.union([z.string(), z.number()]).transform(String).pipe(z.string().min(5)));
      const config = wrap(() =>
        z.strictObject({
          checks: z.array(check).default([]),
          every: duration.optional(),
          names: z.array(name),
          phones: z.union([phone.transform((p) => [p]), z.array(phone)]).optional(),
        }),
      );
      return { config, check, duration };
    };
    const plain = make((f) => f());
    const lazily = make(lazy);

    it.each([
      { checks: [{ type: "tcp", port: 80, name: "a", timeout: "5" }], every: 3, names: ["x"], phones: 1234567 },
      { checks: [], names: ["y"], phones: ["123456", 12] },
      { checks: [{ type: "http", url: "u", name: "b" }], names: [] },
      { checks: [{ type: "tcp", port: 1.5, name: "" }], names: ["x y"] },
      { checks: [{ type: "ftp", name: "c" }], names: "x", extra: 1 },
      "not an object",
    ])("safeParse(%j)", (input) => {
      const a = plain.config.safeParse(input);
      const b = lazily.config.safeParse(input);
      expect(b.success).toBe(a.success);
      expect(b.data).toEqual(a.data);
      expect(b.error?.issues).toEqual(a.error?.issues);
    });

    it("optional(), instanceof and shape", () => {
      expect(lazily.duration.optional().safeParse(undefined)).toEqual(plain.duration.optional().safeParse(undefined));
      expect(lazily.config instanceof z.ZodObject).toBe(true);
      expect(lazily.check instanceof z.ZodDiscriminatedUnion).toBe(true);
      expect(Object.keys(lazily.config.shape)).toEqual(Object.keys(plain.config.shape));
    });

    it("z.toJSONSchema, including a schema used twice and refinements", () => {
      const options = { io: "input", unrepresentable: "any", target: "draft-7" } as const;
      expect(z.toJSONSchema(lazily.config, options)).toEqual(z.toJSONSchema(plain.config, options));
      const output = { unrepresentable: "any" } as const;
      expect(z.toJSONSchema(lazily.config, output)).toEqual(z.toJSONSchema(plain.config, output));
    });
  });
});
