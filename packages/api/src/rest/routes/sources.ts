// /api/v1 routes: Sources, onboarding (consent), units, on-demand backups.
import type { Route } from "../route";

export const sourceRoutes: readonly Route[] = [];
