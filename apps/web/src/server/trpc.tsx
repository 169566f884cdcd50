import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import { headers } from "next/headers";
import { cache, type ReactNode } from "react";
import { appRouter, clientIpFrom, createCaller, createTrpcContext } from "@holdfast/api/trpc";
import { authConfig } from "@holdfast/config";
import { makeQueryClient } from "~/trpc/query-client";
import { currentUserId } from "./auth";
import { db } from "./db";
import { jobs } from "./jobs";

/** The request's tRPC context (user, request id, client address, logger), once per request. */
export const serverContext = cache(async () => {
  const h = await headers();
  return createTrpcContext({ db: db(), userId: await currentUserId(), requestId: h.get("x-request-id"), ip: clientIpFrom(h), jobs: jobs(), publicUrl: authConfig().url });
});

/** Server components call procedures directly, through the same middleware as the browser. */
export const serverCaller = cache(async () => createCaller(await serverContext()));

export const getQueryClient = cache(makeQueryClient);

/** Query options for prefetching on the server; keys match the browser's useTRPC(). */
export const trpc = createTRPCOptionsProxy({ ctx: serverContext, router: appRouter, queryClient: getQueryClient });

export function HydrateClient({ children }: { children: ReactNode }) {
  return <HydrationBoundary state={dehydrate(getQueryClient())}>{children}</HydrationBoundary>;
}
