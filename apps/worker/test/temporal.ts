// A local Temporal dev server per suite, from the CLI binary the test runner points at.
import { testConfig } from "@holdfast/config";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { DefaultLogger, Runtime } from "@temporalio/worker";

export async function createTestTemporal(): Promise<TestWorkflowEnvironment> {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  Runtime.install({ logger: new DefaultLogger("WARN") });
  return TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } });
}
