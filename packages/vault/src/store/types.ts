// The vault's only view of object storage. Implementations: S3 (src/store/s3.ts). Every write
// carries a compliance retain-until date: there is no way to write an unlocked object.

export interface PutOptions {
  /** Object Lock COMPLIANCE retention end. Required: nothing enters the vault unlocked. */
  retainUntil: Date;
  contentType?: string;
  /** The body's SHA-256 when the caller already has it (a pack's id is its hash): not computed again. */
  sha256?: Uint8Array;
}

export interface ObjectInfo {
  key: string;
  size: number;
  lastModified?: Date;
  versionId?: string;
  retainUntil?: Date | null;
}

export interface ObjectVersionInfo extends ObjectInfo {
  versionId: string;
  isLatest: boolean;
  isDeleteMarker: boolean;
}

/** What the backup writer holds: it can add and lock, and extend locks, but never delete. */
export interface ObjectStore {
  put(key: string, body: Uint8Array, opts: PutOptions): Promise<{ versionId?: string }>;
  get(key: string, range?: { offset: number; length: number }, versionId?: string): Promise<Uint8Array>;
  head(key: string): Promise<ObjectInfo | null>;
  list(prefix: string): AsyncIterable<ObjectInfo>;
  /** Every version of every key under the prefix (an overwrite or delete marker never hides an older one). */
  listVersions(prefix: string): AsyncIterable<ObjectVersionInfo>;
  /** Raise (never lower) the compliance retention of the object's current version. */
  extendRetention(key: string, retainUntil: Date, versionId?: string): Promise<void>;
}

/** The garbage collector's identity: the only one allowed to delete, and only what is unlocked. */
export interface DeletingObjectStore extends ObjectStore {
  deleteVersion(key: string, versionId: string): Promise<void>;
}
