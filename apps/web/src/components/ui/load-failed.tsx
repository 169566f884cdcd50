import type { ReactNode } from "react";
import { isNotFound } from "~/lib/errors";
import { Card } from "./card";
import { RetryAlert } from "./retry-alert";

/**
 * A page's record could not be read: `notFound` when the server says it is not there (or not the
 * viewer's), or when `error` is null (the read worked but found nothing); else the error and "Try again".
 */
export function LoadFailed({ error, onRetry, notFound }: { error: unknown; onRetry: () => void; notFound: ReactNode }) {
  return (
    <Card>
      {error === null || isNotFound(error) ? (
        notFound
      ) : (
        <div className="p-4 sm:p-6">
          <RetryAlert error={error} onRetry={onRetry} />
        </div>
      )}
    </Card>
  );
}
