import type { ReactNode } from "react";
import { cn } from "~/lib/cn";
import { formatCount } from "~/lib/sources";
import { Button } from "./button";

/** The part of an infinite query that pages on. */
export interface Pager {
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/** `Showing 1,204 jobs`. */
export function showing(n: number, one: string, many: string): string {
  return `Showing ${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * The foot of a paged list: what is shown, then "Load more" while there is more, or `end` (if
 * given) once there is not. `announce` reads the summary out as it changes; `compact` suits lists
 * inside a busier page.
 */
export function LoadMoreFooter({ pager, summary, end, announce = false, compact = false }: { pager: Pager; summary: ReactNode; end?: string; announce?: boolean; compact?: boolean }) {
  return (
    <div className={cn("flex flex-wrap items-center justify-between border-t border-slate-100 px-4 sm:px-6", compact ? "gap-3 py-3" : "gap-4 py-4")}>
      <p className="text-sm text-slate-500" aria-live={announce ? "polite" : undefined}>
        {summary}
      </p>
      {pager.hasNextPage ? (
        <Button variant="secondary" size={compact ? "sm" : "md"} onClick={() => void pager.fetchNextPage()} loading={pager.isFetchingNextPage}>
          Load more
        </Button>
      ) : end ? (
        <p className="text-sm text-slate-500">{end}</p>
      ) : null}
    </div>
  );
}
