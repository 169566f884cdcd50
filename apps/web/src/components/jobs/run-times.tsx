import { LocalTime, TimeSuffix } from "~/components/ui/local-time";

/** `Started 3 May, 10:02 · finished 3 May, 10:09`, the second half once the run has ended. */
export function RunTimes({ startedAt, finishedAt }: { startedAt: string; finishedAt: string | null | undefined }) {
  return (
    <>
      Started <LocalTime iso={startedAt} />
      <TimeSuffix prefix=" · finished " iso={finishedAt} />
    </>
  );
}
