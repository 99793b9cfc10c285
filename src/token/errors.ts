// Internal failures of the token codecs and key repositories. None of these is a Keystone HTTP error: the token
// provider decides what a client sees (py-keystone turns an unreadable token into TokenNotFound, 404 on
// GET /v3/auth/tokens and 401 on X-Auth-Token, and a missing key repository into a 500 KeysNotFound).

export abstract class TokenFormatError extends Error {
  override get name(): string {
    return this.constructor.name;
  }
}

/** Why a Fernet token was refused; kept for debug logs, never shown to clients. */
export type FernetFailure = 'malformed' | 'expired' | 'future' | 'signature' | 'padding';

/** The text is not a Fernet token made with any of our keys, or its ttl check failed. */
export class InvalidFernetToken extends TokenFormatError {
  constructor(readonly reason: FernetFailure) {
    super(`Could not recognize Fernet token (${reason})`);
  }
}

/** The Fernet envelope was genuine but its msgpack payload is not one py-keystone could have written. */
export class InvalidTokenPayload extends TokenFormatError {}

/** A well-formed payload whose version number is outside 0-10. */
export class UnsupportedPayloadVersion extends TokenFormatError {
  constructor(readonly version: unknown) {
    super(`This is not a recognized Fernet payload version: ${String(version)}`);
  }
}

/** A payload keystone-ts can read but will not issue (e.g. federated or OAuth1 scopes). */
export class PayloadNotIssuable extends TokenFormatError {
  constructor(readonly version: number) {
    super(`keystone-ts does not issue Fernet payload version ${version}; it issues versions 0, 1, 2, 3, 8 and 9`);
  }
}

/** A key file whose content is not a 32-byte urlsafe-base64 Fernet key. */
export class InvalidFernetKey extends TokenFormatError {}

/** The key repository is missing, unreadable, empty or (in strict mode) readable by others. */
export class KeyRepositoryError extends TokenFormatError {}
