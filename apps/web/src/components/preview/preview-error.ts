// What to tell the viewer when a preview request fails: the server's own message when it sent one
// (JSON errors of the console routes), else a sentence for the status.

const BY_STATUS: Record<number, string> = {
  401: "Your session has ended. Sign in again to see the preview.",
  403: "Your role cannot read item content. Ask an admin for the operator role.",
  404: "This item version was not found.",
  410: "The prepared copy of this item has expired. Try again.",
  413: "This item is too large to preview. Download it instead.",
  415: "There is no preview for this type of item. Download it instead.",
  422: "This item could not be read for a preview. Download it instead.",
  503: "Item content cannot be read right now. Try again shortly.",
};

export async function previewErrorMessage(res: Response): Promise<string> {
  if ((res.headers.get("content-type") ?? "").includes("application/json")) {
    try {
      const body = (await res.json()) as { error?: { message?: unknown } };
      if (typeof body.error?.message === "string" && body.error.message !== "") return body.error.message;
    } catch {
      // fall through to the status
    }
  }
  return BY_STATUS[res.status] ?? `The preview could not be loaded (HTTP ${res.status}).`;
}
