#!/usr/bin/env -S npx tsx
// Entry point: `pnpm holdfast …` from the repository root.
import { run } from "./cli";

process.exitCode = await run(process.argv.slice(2), {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
});
