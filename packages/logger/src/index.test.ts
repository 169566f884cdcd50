import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createLogger } from "./index";

describe("logger", () => {
  it("redacts secrets wherever they appear", () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger({ level: "info", destination: sink });
    log.info({ password: "hunter2", user: { token: "abc", name: "ok" }, headers: { authorization: "Bearer hf_x" } }, "hello");
    const out = lines.join("");
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain("abc");
    expect(out).not.toContain("hf_x");
    expect(out).toContain('"name":"ok"');
  });
});
