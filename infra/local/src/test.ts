// pnpm test [-- --only verify,unit,int,e2e]: the same path locally and in CI (.ci/run).
// Stages run in order and stop at the first failure; the last line is "N passed, N failed".
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { appEnv } from "./app-env.js";
import { exitCode, hasScript } from "./children.js";
import { inheritedEnv, stackEnv } from "./env.js";
import { bold, paint, setColour, warn } from "./log.js";
import { ensureAppRole } from "./pg-admin.js";
import { repoRoot } from "./paths.js";
import { temporalCli } from "./services/temporal.js";
import { ensureStack, type Stack } from "./stack.js";

const STAGES = ["verify", "unit", "int", "e2e"] as const;
type StageName = (typeof STAGES)[number];
type Outcome = "passed" | "failed" | "skipped" | "not run";

function selectedStages(): StageName[] {
  const { values } = parseArgs({ args: process.argv.slice(2).filter((a) => a !== "--"), options: { only: { type: "string", multiple: true } } });
  if (!values.only) return [...STAGES];
  const wanted = values.only.flatMap((v) => v.split(",")).map((v) => v.trim());
  const bad = wanted.filter((w) => !(STAGES as readonly string[]).includes(w));
  if (bad.length) throw new Error(`unknown stage ${bad.join(", ")}; choose from ${STAGES.join(", ")}`);
  return STAGES.filter((s) => wanted.includes(s));
}

function pnpm(args: string[], env: Record<string, string> = {}): Promise<number> {
  console.log(paint(90, `$ pnpm ${args.join(" ")}`));
  // No telemetry prompts from turbo/next in test logs (and no network to send them anyway).
  const quiet = { TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };
  return exitCode(spawn("pnpm", args, { cwd: repoRoot, env: { ...inheritedEnv(), ...quiet, ...env }, stdio: ["ignore", "inherit", "inherit"] }));
}

function intEnv(stack: Stack): Record<string, string> {
  const env: Record<string, string> = {
    TEST_DATABASE_URL: stack.databaseUrl,
    TEMPORAL_ADDRESS: stack.temporalAddress,
    TEMPORAL_CLI_PATH: temporalCli,
    VAULT_S3_ENDPOINT: stack.s3Endpoint,
    VAULT_S3_REGION: stack.s3.region,
    STRIPE_API_BASE: stack.stripeApiBase,
    SMTP_URL: stack.smtpUrl,
    ...(stack.mailApiUrl ? { MAIL_API_URL: stack.mailApiUrl } : {}),
  };
  if (stack.s3.accessKeyId) env.VAULT_S3_ACCESS_KEY_ID = stack.s3.accessKeyId;
  if (stack.s3.secretAccessKey) env.VAULT_S3_SECRET_ACCESS_KEY = stack.s3.secretAccessKey;
  return env;
}

/**
 * apps/e2e's webServer creates and migrates a database of its own under TEST_DATABASE_URL and
 * serves the production build of the console beside the worker (from its prebuilt workflow
 * bundle) and the sandbox, so those builds come first.
 */
async function e2e(stack: Stack, typechecked: boolean): Promise<Outcome> {
  if (!existsSync(join(repoRoot, "apps/e2e/playwright.config.ts"))) {
    warn("e2e", bold("!!! SKIPPED: apps/e2e has no playwright.config.ts yet — the e2e suites did not run !!!"));
    return "skipped";
  }
  // The verify stage of this run type-checked the same tree: the console's build need not again.
  const env = { ...appEnv(stack, stack.databaseUrl), ...intEnv(stack), ...(typechecked ? { HOLDFAST_TYPECHECKED: "1" } : {}) };
  if (hasScript("apps/web", "build") && (await pnpm(["--filter", "@holdfast/web", "build"], env)) !== 0) return "failed";
  // The e2e run starts the worker as production does: from its prebuilt workflow bundle.
  if (hasScript("apps/worker", "build") && (await pnpm(["--filter", "@holdfast/worker", "build"], env)) !== 0) return "failed";
  return (await pnpm(["--filter", "@holdfast/e2e", "test:e2e"], env)) === 0 ? "passed" : "failed";
}

async function main(): Promise<number> {
  setColour(process.stdout.isTTY && !stackEnv().NO_COLOR);
  const stages = selectedStages();
  const results = new Map<StageName, { outcome: Outcome; seconds: number }>(stages.map((s) => [s, { outcome: "not run", seconds: 0 }]));
  let stack: Stack | undefined;

  const run = async (stage: StageName): Promise<Outcome> => {
    if ((stage === "int" || stage === "e2e") && !stack) {
      // Detached, so the next run (or a second terminal) reuses them; `pnpm stack down` stops them.
      stack = await ensureStack({ postgres: "system" });
      await ensureAppRole(stack.databaseUrl);
    }
    switch (stage) {
      case "verify":
        return (await pnpm(["verify"])) === 0 ? "passed" : "failed";
      case "unit":
        return (await pnpm(["test:unit"])) === 0 ? "passed" : "failed";
      case "int":
        return (await pnpm(["turbo", "run", "test:int", "--env-mode=loose", "--concurrency=1"], intEnv(stack as Stack))) === 0 ? "passed" : "failed";
      case "e2e":
        return e2e(stack as Stack, results.get("verify")?.outcome === "passed");
    }
  };

  for (const stage of stages) {
    console.log(`\n${bold(`━━ ${stage} ━━`)}`);
    const t0 = Date.now();
    let outcome: Outcome;
    try {
      outcome = await run(stage);
    } catch (err) {
      warn(stage, err instanceof Error ? err.message : String(err));
      outcome = "failed";
    }
    results.set(stage, { outcome, seconds: (Date.now() - t0) / 1000 });
    if (outcome === "failed") break;
  }

  console.log(`\n${bold("━━ summary ━━")}`);
  for (const [stage, r] of results) {
    const colour = { passed: 32, failed: 31, skipped: 33, "not run": 90 }[r.outcome];
    console.log(`  ${stage.padEnd(7)} ${paint(colour, r.outcome.padEnd(8))} ${r.outcome === "not run" ? "" : `${r.seconds.toFixed(1)}s`}`);
  }
  const count = (o: Outcome) => [...results.values()].filter((r) => r.outcome === o).length;
  console.log(`${count("passed")} passed, ${count("failed")} failed`);
  return count("failed") ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    console.log("0 passed, 1 failed");
    process.exit(1);
  },
);
