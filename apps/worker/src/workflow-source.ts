// Development bundles the workflow definitions from source when the worker starts; production
// loads the bundle that `pnpm --filter @holdfast/worker build` wrote ahead of time (no webpack
// at start-up, and the code that runs is the code that was reviewed and built).
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export type WorkflowSource = { workflowsPath: string } | { workflowBundle: { codePath: string } };

export const WORKFLOW_BUNDLE_PATH = fileURLToPath(new URL("../dist/workflow-bundle.js", import.meta.url));

/** The bundle entry: every workflow exported by @holdfast/workflows. */
export function workflowsEntryPath(): string {
  return createRequire(import.meta.url).resolve("@holdfast/workflows/workflows");
}

export function workflowSource(production: boolean): WorkflowSource {
  if (!production) return { workflowsPath: workflowsEntryPath() };
  if (!existsSync(WORKFLOW_BUNDLE_PATH)) {
    throw new Error(`No prebuilt workflow bundle at ${WORKFLOW_BUNDLE_PATH}: run \`pnpm --filter @holdfast/worker build\` before starting in production`);
  }
  return { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } };
}
