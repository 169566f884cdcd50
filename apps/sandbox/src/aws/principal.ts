// Holdfast's own AWS identity as the sandbox knows it: the long-term key Holdfast signs STS calls
// with, and the ARN customers name in their role's trust policy. Dev-only values, valid only
// against the sandbox (documented in the README).
export interface AwsPrincipal {
  arn: string;
  accountId: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export const HOLDFAST_PRINCIPAL: AwsPrincipal = {
  arn: "arn:aws:iam::111122223333:user/holdfast-backup",
  accountId: "111122223333",
  accessKeyId: "AKIAHOLDFASTSANDBOX1",
  secretAccessKey: "sandbox-dev-secret/holdfast-aws-principal",
};

/** Principals allowed to call STS, by access key id. */
export function principalByKey(accessKeyId: string): AwsPrincipal | undefined {
  return accessKeyId === HOLDFAST_PRINCIPAL.accessKeyId ? HOLDFAST_PRINCIPAL : undefined;
}
