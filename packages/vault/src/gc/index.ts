export { collectGarbage, type GcOptions } from "./collect";
export type { GcObjectStore } from "./store";
export type { GcProblem, GcReport, GcSkipped } from "./report";
export { Tombstone, openTombstone, readTombstone, tombstoneKeyFor, TOMBSTONE_PREFIX } from "./tombstone";
