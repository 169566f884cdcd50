export async function register() {
  // Next inlines NEXT_RUNTIME at build time, so the edge bundle drops this branch (and pg with it).
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { assertReadyToServe } = await import("./server/startup");
    await assertReadyToServe();
  }
}
