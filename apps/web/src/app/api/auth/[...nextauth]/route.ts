import NextAuth from "next-auth";
import type { NextRequest } from "next/server";
import { authOptions } from "~/server/auth";

type RouteContext = { params: Promise<{ nextauth: string[] }> };

// Options are resolved per request (built once, lazily) so that `next build` needs no secrets.
async function handler(req: NextRequest, ctx: RouteContext): Promise<Response> {
  return (await NextAuth(req, ctx, authOptions())) as Response;
}

export { handler as GET, handler as POST };
export const dynamic = "force-dynamic";
