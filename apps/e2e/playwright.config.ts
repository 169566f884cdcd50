import { defineConfig } from "@playwright/test";
import { E2E_BASE_URL, E2E_PORT } from "./src/env";

// Debian's Chromium: a test tool's own browser download cannot reach the internet here.
const chromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

export default defineConfig({
  testDir: ".",
  testMatch: ["ui/**/*.spec.ts", "api/**/*.spec.ts", "cross-tenant/**/*.spec.ts"],
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { open: "never", outputFolder: "../../artifacts/e2e/report" }]],
  outputDir: "../../artifacts/e2e/results",
  use: {
    baseURL: E2E_BASE_URL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: "/usr/bin/chromium", args: chromiumArgs },
  },
  projects: [{ name: "chromium", use: { browserName: "chromium" } }],
  webServer: {
    command: "pnpm exec tsx src/serve.ts",
    url: `${E2E_BASE_URL}/sign-in`,
    timeout: 240_000,
    reuseExistingServer: false,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(E2E_PORT) },
    // SIGTERM, not Playwright's default SIGKILL: serve.ts then stops the worker, sandbox and
    // console it started and drops the run's database.
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
  },
});
