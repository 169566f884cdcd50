// /api/v1 routes: Exports and item content downloads.
import type { Route } from "../route";

export const exportRoutes: readonly Route[] = [];
