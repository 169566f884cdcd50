// What garbage collection needs from object storage: the GC identity's store (reads, and deletes of
// named versions, which the server refuses while a version is locked) plus each version's
// retain-until. S3DeletingObjectStore and MemoryDeletingObjectStore both fit.
import type { DeletingObjectStore } from "../store/types";

export interface GcObjectStore extends DeletingObjectStore {
  /** The compliance retain-until of one version (S3 GetObjectRetention); null when it has no lock. */
  retention(key: string, versionId?: string): Promise<{ retainUntil: Date | null }>;
}
