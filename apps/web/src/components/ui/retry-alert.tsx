import { errorMessage } from "~/lib/errors";
import { Alert } from "./alert";
import { Button } from "./button";

/** A failed read, in words a person can act on, with a "Try again" that reads it again. */
export function RetryAlert({ error, onRetry, title, className }: { error: unknown; onRetry: () => void; title?: string; className?: string }) {
  return (
    <Alert
      tone="danger"
      title={title}
      className={className}
      actions={
        <Button variant="secondary" size="sm" onClick={onRetry}>
          Try again
        </Button>
      }
    >
      {errorMessage(error)}
    </Alert>
  );
}
