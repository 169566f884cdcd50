import { defineConfig } from "vitest/config";

// Unit tests only: the benchmark itself is a program (pnpm bench:vault), not a timed test.
export default defineConfig({ test: { include: ["vault/**/*.test.ts", "sandbox/**/*.test.ts", "catalogue/**/*.test.ts", "backup/**/*.test.ts"], pool: "forks" } });
