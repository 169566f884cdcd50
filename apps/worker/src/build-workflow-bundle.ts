// `pnpm --filter @holdfast/worker build`: prebuild the workflow bundle that production loads.
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { childLogger } from "@holdfast/logger";
import { bundleWorkflowCode } from "@temporalio/worker";
import { WORKFLOW_BUNDLE_PATH, workflowsEntryPath } from "./workflow-source";

const log = childLogger({ component: "workflow-bundle" });
const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntryPath() });
await mkdir(dirname(WORKFLOW_BUNDLE_PATH), { recursive: true });
await writeFile(WORKFLOW_BUNDLE_PATH, code);
log.info({ path: WORKFLOW_BUNDLE_PATH, bytes: Buffer.byteLength(code) }, "workflow bundle written");
