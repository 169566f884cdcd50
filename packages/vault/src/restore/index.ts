// Restore by pack: the engine call that restores many items at once (see restore.ts).
export { restoreToDirectory } from "./restore";
export type { RestoreFailure, RestoreOptions, RestoreProgress, RestoreReport } from "./restore";
export type { FailureKind } from "./writer";
export { itemDestination, normaliseItemPrefix, selectItems, unsafePathReason, UnsafeItemPathError } from "./paths";
