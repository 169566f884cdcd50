import { Card } from "./card";
import { ListSkeleton, Skeleton } from "./spinner";

/** A page whose main part is a list, while it loads: a title and a line of grey, over a card of grey rows. */
export function ListPageSkeleton({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div>
      <div className="mb-8 space-y-3">
        <Skeleton className="h-8 w-64 max-w-full" />
        <Skeleton className="h-4 w-80 max-w-full" />
      </div>
      <Card>
        <ListSkeleton rows={rows} label={label} />
      </Card>
    </div>
  );
}

/** A detail page while its record loads: a heading-sized bar over a card of grey rows, named for screen readers. */
export function PageSkeleton({ label }: { label: string }) {
  return (
    <div className="space-y-6" role="status" aria-label={label}>
      <Skeleton className="h-9 w-64" />
      <Card>
        <ListSkeleton rows={3} label={label} />
      </Card>
    </div>
  );
}
