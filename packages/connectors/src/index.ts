export type {
  ChangePage,
  Change,
  ConflictPolicy,
  Cursor,
  DiscoveredUnit,
  ItemContent,
  ItemDescriptor,
  ItemKind,
  ListChangesOptions,
  OwnerState,
  Provider,
  RestoreTarget,
  SourceConnector,
  UnitConnector,
  UnitKind,
  UnitOwner,
  WriteOutcome,
  WriteResult,
} from "./core/types";
export { ConnectorError, isConnectorError, isNetworkError, parseRetryAfter, type ConnectorErrorCode } from "./core/errors";
export { MemoryLimiterStore, Throttle, type BucketLimit, type LimiterStore, type RequestBudget, type ThrottleOptions } from "./core/throttle";
export { collect, toAsyncIterable } from "./core/stream";
