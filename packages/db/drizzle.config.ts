import { defineConfig } from "drizzle-kit";

// Only `generate` is used (it needs no database); migrations are applied by src/migrate.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/schema/index.ts",
  out: "./drizzle",
  entities: { roles: { provider: "", include: [] } },
});
