import { createCallerFactory, router } from "./init";
import { apiKeysRouter } from "./routers/api-keys";
import { auditRouter } from "./routers/audit";
import { catalogueRouter } from "./routers/catalogue";
import { dashboardRouter } from "./routers/dashboard";
import { exportsRouter } from "./routers/exports";
import { guardRouter } from "./routers/guard";
import { sourcesRouter } from "./routers/sources";
import { authRouter } from "./routers/auth";
import { meRouter } from "./routers/me";
import { membersRouter } from "./routers/members";
import { organizationRouter } from "./routers/organization";
import { retentionRouter } from "./routers/retention";
import { webhooksRouter } from "./routers/webhooks";

export const appRouter = router({
  auth: authRouter,
  me: meRouter,
  organization: organizationRouter,
  members: membersRouter,
  apiKeys: apiKeysRouter,
  audit: auditRouter,
  sources: sourcesRouter,
  catalogue: catalogueRouter,
  exports: exportsRouter,
  dashboard: dashboardRouter,
  retention: retentionRouter,
  guard: guardRouter,
  webhooks: webhooksRouter,
});

export type AppRouter = typeof appRouter;

/** Server-side calls (server components, tests) through the same middleware as HTTP. */
export const createCaller = createCallerFactory(appRouter);
