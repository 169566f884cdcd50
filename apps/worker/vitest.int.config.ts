import { preset } from "@holdfast/vitest-config";

const config = preset("int");

// The workflow code is bundled once for all suites (test/workflow-bundle.global.ts).
export default { ...config, test: { ...config.test, globalSetup: ["./test/workflow-bundle.global.ts"] } };
