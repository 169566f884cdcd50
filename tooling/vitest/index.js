// Two layers, named by file suffix (CONVENTIONS.md §14): *.test.ts are unit tests with no I/O,
// *.int.test.ts talk to the real local servers started by infra/local.
import { defineConfig } from "vitest/config";

/** @param {"unit" | "int"} layer */
export function preset(layer) {
  return defineConfig({
    test: {
      include: layer === "unit" ? ["src/**/*.test.ts", "test/**/*.test.ts"] : ["src/**/*.int.test.ts", "test/**/*.int.test.ts"],
      exclude: layer === "unit" ? ["**/*.int.test.ts", "**/node_modules/**"] : ["**/node_modules/**"],
      testTimeout: layer === "unit" ? 10_000 : 120_000,
      hookTimeout: layer === "unit" ? 10_000 : 180_000,
      pool: "forks",
      fileParallelism: layer === "unit",
    },
  });
}
