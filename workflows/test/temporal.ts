// A local Temporal dev server per suite, from the CLI binary the test runner points at (the
// SDK's own download of a test server is not possible here).
import { createRequire } from "node:module";
import { testConfig } from "@holdfast/config";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundleWithSourceMap } from "@temporalio/worker";

export async function createTestTemporal(): Promise<TestWorkflowEnvironment> {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  // Keep the SDK's per-state INFO lines out of test output; warnings still show.
  Runtime.install({ logger: new DefaultLogger("WARN") });
  return TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } });
}

const silent = { log() {}, trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** Bundle the workflow entry once per suite; each worker then reuses it. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: createRequire(import.meta.url).resolve("../src/workflows/index.ts"), logger: silent });
}
