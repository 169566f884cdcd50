import { ListPageSkeleton } from "~/components/ui/page-skeleton";

export default function Loading() {
  return <ListPageSkeleton label="Loading page" rows={4} />;
}
