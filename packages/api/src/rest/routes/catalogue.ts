// /api/v1 routes: Jobs, snapshots, items (browse/search/versions) and restores.
import type { Route } from "../route";

export const catalogueRoutes: readonly Route[] = [];
