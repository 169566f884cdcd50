// Workflow definitions run in Temporal's deterministic sandbox: no Node built-ins, no I/O,
// no non-type imports of activities.
import { base } from "./base.js";

/** @param {{ tsconfigRootDir: string }} opts */
export function workflows({ tsconfigRootDir }) {
  return [
    ...base({ tsconfigRootDir }),
    {
      files: ["src/workflows/**/*.ts"],
      ignores: ["**/*.test.ts"],
      rules: {
        "no-restricted-imports": [
          "error",
          {
            patterns: [
              { group: ["node:*", "fs", "path", "crypto", "os", "child_process", "net", "http", "https"], message: "Workflow code must be deterministic: no Node built-ins." },
              { group: ["../activities/*", "../activities", "@holdfast/db", "@holdfast/db/*", "pg", "drizzle-orm"], allowTypeImports: true, message: "Workflows may only `import type` activities; I/O belongs in activities." },
            ],
          },
        ],
      },
    },
  ];
}
