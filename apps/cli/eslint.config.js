import { base } from "@holdfast/eslint-config/base";

// holdfast-restore must work with nothing but the bucket and the recovery key (ARCHITECTURE.md
// principle 4): its folder may import only @holdfast/vault, and its entry point is the one file
// outside packages/config allowed to read process.env (credentials and the recovery key).
const RESTORE_ONLY_VAULT = {
  patterns: [
    { group: ["../../*/src/*", "@holdfast/*/src/*"], message: "Import another package through its exports map." },
    {
      group: ["@holdfast/*", "!@holdfast/vault", "!@holdfast/vault/store", "@temporalio/*", "pg", "drizzle-orm", "drizzle-orm/*", "../*", "@holdfast/vault/testing"],
      message: "holdfast-restore imports only @holdfast/vault: it must run without the control plane, database or Temporal.",
    },
  ],
};

export default [
  ...base({ tsconfigRootDir: import.meta.dirname }),
  { files: ["src/restore/**/*.ts"], ignores: ["**/*.test.ts"], rules: { "no-restricted-imports": ["error", RESTORE_ONLY_VAULT] } },
  { files: ["src/restore/main.ts"], rules: { "no-restricted-properties": "off" } },
];
