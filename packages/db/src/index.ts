export * from "./client";
export * as schema from "./schema/index";
export * from "./schema/index";
export { and, asc, desc, eq, gt, gte, inArray, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
export * from "./audit";
