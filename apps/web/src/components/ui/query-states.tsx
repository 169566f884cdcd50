import type { ReactNode } from "react";
import { errorMessage } from "~/lib/errors";
import { Alert } from "./alert";
import { Card } from "./card";
import { RetryAlert } from "./retry-alert";
import { ListSkeleton } from "./spinner";

/** The part of a TanStack query (plain or infinite) that decides which state a list is in. */
export interface QueryState<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T | undefined;
  refetch: () => Promise<unknown>;
}

/**
 * The four states of a list read: grey rows while it loads, the error (with "Try again" when
 * `retry`), the empty state when `isEmpty` says so, else `children` with the data. Inside a card
 * by default; `standalone` puts the loading rows and the empty state in cards of their own and the
 * error on the page, for a list that is the whole page.
 */
export function QueryStates<T>({
  query,
  loading,
  rows = 3,
  retry = false,
  standalone = false,
  isEmpty,
  empty,
  children,
}: {
  query: QueryState<T>;
  /** Announced to screen readers while loading, e.g. "Loading jobs". */
  loading: string;
  rows?: number;
  retry?: boolean;
  standalone?: boolean;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}) {
  const framed = (node: ReactNode) => (standalone ? <Card>{node}</Card> : node);
  if (query.isPending) return framed(<ListSkeleton rows={rows} label={loading} />);
  if (query.isError || query.data === undefined) {
    const alert = retry ? <RetryAlert error={query.error} onRetry={() => void query.refetch()} /> : <Alert tone="danger">{errorMessage(query.error)}</Alert>;
    return standalone ? alert : <div className="p-4 sm:p-6">{alert}</div>;
  }
  if (isEmpty?.(query.data)) return framed(empty);
  return <>{children(query.data)}</>;
}
