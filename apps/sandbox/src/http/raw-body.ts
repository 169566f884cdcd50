// The exact bytes of form bodies, kept beside the parsed form: AWS SigV4 signs the payload as sent.
import type { FastifyRequest } from "fastify";

const RAW = new WeakMap<FastifyRequest, string>();

export function keepRawBody(req: FastifyRequest, body: string): void {
  RAW.set(req, body);
}

export function rawBody(req: FastifyRequest): string | undefined {
  return RAW.get(req);
}
