"use client";
import { Card } from "~/components/ui/card";
import { Button } from "~/components/ui/button";
import { EmptyState } from "~/components/ui/empty-state";

export default function OrgError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <Card>
      <EmptyState
        icon="warning"
        title="This page could not be loaded"
        actions={
          <Button variant="secondary" onClick={reset}>
            Try again
          </Button>
        }
      >
        Something went wrong on our side. If it keeps happening, contact support{error.digest ? ` and quote reference ${error.digest}` : ""}.
      </EmptyState>
    </Card>
  );
}
