// A local Temporal dev server per suite, from the CLI binary the test runner points at.
import { testConfig } from "@holdfast/config";
import { TestWorkflowEnvironment } from "@temporalio/testing";
import { DefaultLogger, Runtime } from "@temporalio/worker";
import { inject } from "vitest";
import { startWorker, type RunningWorker, type WorkerDeps } from "../src/worker";
import type { WorkflowSource } from "../src/workflow-source";

export async function createTestTemporal(): Promise<TestWorkflowEnvironment> {
  const cli = testConfig().temporalCliPath;
  if (!cli) throw new Error("TEMPORAL_CLI_PATH is not set: point it at the Temporal CLI binary (.tools/bin/temporal)");
  Runtime.install({ logger: new DefaultLogger("WARN") });
  return TestWorkflowEnvironment.createLocal({ server: { executable: { type: "existing-path", path: cli } } });
}

/**
 * The workflow code this run bundled once from source (test/workflow-bundle.global.ts), for the
 * suites' workers.
 */
export function suiteWorkflows(): WorkflowSource {
  return { workflowBundle: { codePath: inject("workflowBundlePath") } };
}

/**
 * The worker under test on this suite's dev server: the Temporal wiring every suite repeats (its
 * connection and namespace, health on a free port, this run's workflow bundle), plus what the suite serves.
 */
export function startSuiteWorker(env: TestWorkflowEnvironment, deps: Omit<WorkerDeps, "connection" | "namespace" | "healthPort" | "workflows">): Promise<RunningWorker> {
  return startWorker({ connection: env.nativeConnection, namespace: env.namespace ?? "default", healthPort: 0, workflows: suiteWorkflows(), ...deps });
}
