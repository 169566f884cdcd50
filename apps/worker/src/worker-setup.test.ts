import { Writable } from "node:stream";
import { createLogger } from "@holdfast/logger";
import { describe, expect, it } from "vitest";
import { temporalLogger } from "./temporal-logger";
import { workflowSource } from "./workflow-source";

describe("worker set-up", () => {
  it("development bundles the workflows package's entry from source", () => {
    const src = workflowSource(false);
    expect("workflowsPath" in src && src.workflowsPath).toMatch(/workflows\/src\/workflows\/index\.ts$/);
  });

  it("routes the Temporal SDK's log lines into pino at the same level", () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        cb();
      },
    });
    const log = temporalLogger(createLogger({ level: "trace", destination: sink }));
    log.warn("Activity failed", { activityType: "verifyAuditChainPage" });
    log.debug("below the SDK's INFO threshold");
    expect(lines).toEqual([expect.objectContaining({ level: 40, msg: "Activity failed", activityType: "verifyAuditChainPage" })]);
  });
});
