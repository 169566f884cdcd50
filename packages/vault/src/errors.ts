// One error taxonomy for the vault. Every message names the object involved, so an operator can
// tell a wrong key from a damaged object from a format this code does not understand.

export class VaultError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** An object's structure or version is not one this code understands. */
export class VaultFormatError extends VaultError {}

/** An object is missing, truncated, overwritten or tampered with. */
export class VaultIntegrityError extends VaultError {
  constructor(
    readonly objectKey: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${objectKey}: ${detail}`, options);
  }
}

/** The key presented cannot open this vault (wrong KEK, wrong or mistyped recovery key). */
export class VaultKeyError extends VaultError {}

export class VaultExistsError extends VaultError {}
export class VaultNotFoundError extends VaultError {}

export const FORMAT_VERSION = 1;

export function unsupportedVersion(objectKey: string, version: unknown): VaultFormatError {
  return new VaultFormatError(
    `${objectKey}: unsupported format version ${String(version)} (this reader understands ${FORMAT_VERSION})`,
  );
}
