import { Card } from "~/components/ui/card";
import { ListSkeleton, Skeleton } from "~/components/ui/spinner";

export default function Loading() {
  return (
    <div>
      <div className="mb-8 space-y-3">
        <Skeleton className="h-8 w-56" />
        <Skeleton className="h-4 w-80 max-w-full" />
      </div>
      <Card>
        <ListSkeleton rows={4} label="Loading page" />
      </Card>
    </div>
  );
}
