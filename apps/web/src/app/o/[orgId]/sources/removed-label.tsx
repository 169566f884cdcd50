"use client";
import { LocalTime } from "~/components/ui/local-time";

/** How a removed source's status reads, in the list and on its page: "Removed on 3 May 2026" (or "Removed" should the date be missing). */
export function RemovedLabel({ removedAt }: { removedAt: string | null }) {
  return removedAt ? (
    <>
      Removed on <LocalTime iso={removedAt} mode="date" />
    </>
  ) : (
    <>Removed</>
  );
}
