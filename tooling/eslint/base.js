// Shared flat config: type-aware rules that catch real bugs (floating promises, unsafe any
// flows) plus the layering rules from CONVENTIONS.md.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

/** @param {{ tsconfigRootDir: string, noProcessEnv?: boolean }} opts */
export function base({ tsconfigRootDir, noProcessEnv = true }) {
  return tseslint.config(
    { ignores: ["**/node_modules/**", "**/.next/**", "**/dist/**", "**/drizzle/**", "eslint.config.js", "**/*.config.*", "next-env.d.ts"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
      languageOptions: { parserOptions: { projectService: true, tsconfigRootDir } },
      rules: {
        "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
        "@typescript-eslint/consistent-type-imports": ["warn", { fixStyle: "inline-type-imports" }],
        "@typescript-eslint/no-non-null-assertion": "error",
        "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { attributes: false } }],
        "no-restricted-imports": ["error", { patterns: [{ group: ["../../*/src/*", "@holdfast/*/src/*"], message: "Import another package through its exports map." }] }],
        ...(noProcessEnv
          ? { "no-restricted-properties": ["error", { object: "process", property: "env", message: "Read configuration through @holdfast/config." }] }
          : {}),
      },
    },
    {
      files: ["**/*.test.ts", "**/*.int.test.ts", "**/*.spec.ts", "**/test/**"],
      rules: { "no-restricted-properties": "off", "@typescript-eslint/no-non-null-assertion": "off" },
    },
  );
}
