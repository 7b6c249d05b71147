import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildCatalog } from "../../../src/probes/log/causes.js";
import { logConfigSchema, logProbe } from "../../../src/probes/log/index.js";
import { ctx } from "../ctx.js";

let dir: string;
beforeEach(() => void (dir = fs.mkdtempSync(path.join(os.tmpdir(), "wd-catalog-"))));
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const speaker = {
  id: "tts_speaker",
  patterns: ["speaker \\S+ not found"],
  explanation: { en: "unknown speaker", "zh-CN": "未知说话人" },
  action: { en: "check the speaker list" },
};

describe("the log probe's cause catalog comes in its context", () => {
  it("names a cause of the config's own only with the catalog it is handed; the built-in one without", async () => {
    const file = path.join(dir, "tts.log");
    fs.writeFileSync(file, "");
    const cfg = logConfigSchema.parse({ type: "log", path: file });
    const { catalog } = buildCatalog([speaker], []);
    const first = async (withCatalog: boolean) => {
      const base = ctx();
      const memory = (await logProbe.run(cfg, withCatalog ? { ...base, catalog } : base)).memory;
      fs.appendFileSync(file, "error: speaker zh_9 not found\n");
      return logProbe.run(cfg, withCatalog ? { ...ctx(memory), catalog } : ctx(memory));
    };
    const own = await first(true);
    expect(own.status).toBe("critical");
    expect(own.cause).toBe("tts_speaker: unknown speaker — check the speaker list");
    expect(own.summary).toBe(`1 new matching line in ${file} (probable cause: tts_speaker)`);
    fs.writeFileSync(file, "");
    const builtin = await first(false);
    expect(builtin.status).toBe("ok");
    expect(builtin.cause).toBeUndefined();
  });
});
