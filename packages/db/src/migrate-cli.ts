import { migrationConfig } from "@holdfast/config";
import { runMigrations } from "./migrate";

const { url } = migrationConfig();
const started = Date.now();
await runMigrations(url);
console.log(`migrations applied in ${Date.now() - started} ms`);
