// Token text <-> TokenPayload: the payload codec inside the Fernet envelope, with py-keystone's unpadded token text.
// What this does not decide is left to the token provider, as in py-keystone: expiry (valid while now < expiresAt,
// or < expiresAt + [token] allow_expired_window when the caller asked for allow_expired), revocation, and whether
// the user, project and roles still exist.
import { PayloadNotIssuable } from './errors.js';
import { restorePadding, stripPadding, type Fernet } from './fernet.js';
import { PayloadCodec, type PayloadCodecOptions, type TokenPayload } from './payloads.js';

/** The payload versions keystone-ts issues: the others are decoded for tokens py-keystone issued. */
export type IssuablePayload = Extract<TokenPayload, { version: 0 | 1 | 2 | 3 | 8 | 9 }>;
const ISSUABLE: ReadonlySet<number> = new Set([0, 1, 2, 3, 8, 9]);

export interface TokenFormatterOptions extends PayloadCodecOptions {
  /** The current key list; called per token so a reloaded key repository takes effect at once. */
  readonly fernet: () => Fernet;
  /** [DEFAULT] max_token_size: longer tokens are still issued, with an info log, as py-keystone does. */
  readonly maxTokenSize?: number;
  /** A pino logger fits. */
  readonly logger?: { info(message: string): void };
}

export interface ValidatedToken {
  readonly payload: TokenPayload;
  /** The Fernet timestamp: py-keystone's issued_at is not part of the payload. Whole seconds. */
  readonly issuedAt: Date;
}

export class TokenFormatter {
  private readonly codec: PayloadCodec;

  constructor(private readonly options: TokenFormatterOptions) {
    this.codec = new PayloadCodec(options);
  }

  create(payload: IssuablePayload, now?: Date): string {
    if (!ISSUABLE.has(payload.version)) throw new PayloadNotIssuable(payload.version);
    const token = stripPadding(this.options.fernet().encrypt(this.codec.encode(payload), now ? { now } : {}));
    const max = this.options.maxTokenSize ?? 255;
    if (token.length > max) {
      // Tokens end up in columns and headers sized for 255 characters elsewhere in a cloud.
      this.options.logger?.info(`Fernet token created with length of ${token.length} characters, which exceeds ${max} characters`);
    }
    return token;
  }

  /** Throws InvalidFernetToken, InvalidTokenPayload or UnsupportedPayloadVersion; never checks expiry. */
  validate(token: string): ValidatedToken {
    const { plaintext, issuedAt } = this.options.fernet().decryptWithTimestamp(restorePadding(token));
    return { payload: this.codec.decode(plaintext), issuedAt };
  }
}
