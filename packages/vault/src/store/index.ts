export type { DeletingObjectStore, ObjectInfo, ObjectStore, ObjectVersionInfo, PutOptions } from "./types.js";
export { StoreError, StoreErrorCodes, isStoreError, toStoreError, type StoreErrorCode } from "./errors.js";
export {
  S3ObjectStore,
  S3DeletingObjectStore,
  DeletingS3ObjectStore,
  createS3Client,
  sha256Base64,
  type S3Credentials,
  type S3Endpoint,
  type S3StoreOptions,
} from "./s3.js";
