import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { appRouter, clientIpFrom, createTrpcContext } from "@holdfast/api/trpc";
import { authConfig } from "@holdfast/config";
import { currentUserId } from "~/server/auth";
import { db } from "~/server/db";
import { jobs } from "~/server/jobs";

async function handler(req: Request): Promise<Response> {
  const userId = await currentUserId();
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: () => createTrpcContext({ db: db(), userId, requestId: req.headers.get("x-request-id"), ip: clientIpFrom(req.headers), jobs: jobs(), publicUrl: authConfig().url }),
    responseMeta: () => ({ headers: new Headers({ "cache-control": "no-store" }) }),
  });
}

export { handler as GET, handler as POST };
export const dynamic = "force-dynamic";
