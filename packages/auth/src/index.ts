export * from "./password";
export * from "./totp";
export * from "./api-key";
export * from "./secret-box";
export * from "./rbac";
