// Vitest global setup of the worker's integration suites: the workflow code is bundled (webpack)
// once per run, not once per suite, and every suite's worker loads that bundle — as production
// loads its prebuilt one. worker.int.test.ts still bundles from source, to prove that path.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bundleWorkflowCode } from "@temporalio/worker";
import type { TestProject } from "vitest/node";
import { workflowsEntryPath } from "../src/workflow-source";

declare module "vitest" {
  export interface ProvidedContext {
    /** The workflow bundle this run's suites load. */
    workflowBundlePath: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), "holdfast-workflows-"));
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntryPath() });
  const path = join(dir, "workflow-bundle.js");
  await writeFile(path, code);
  project.provide("workflowBundlePath", path);
  return () => rm(dir, { recursive: true, force: true });
}
