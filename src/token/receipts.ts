// MFA auth receipts (Openstack-Auth-Receipt): the Fernet envelope of tokens, keyed by [fernet_receipts], around an
// unversioned msgpack tuple [user_id, methods, expires_at] (keystone/receipt/receipt_formatters.py).
import { InvalidTokenPayload } from './errors.js';
import { restorePadding, stripPadding, type Fernet } from './fernet.js';
import { packTuple, unpackTuple } from './msgpack-tuple.js';
import { MethodBits, packExpiry, packId, unpackExpiry, unpackId } from './payload-fields.js';

export interface ReceiptPayload {
  readonly userId: string;
  /** The methods already satisfied, highest configured bit first when decoded. */
  readonly methods: readonly string[];
  readonly expiresAt: Date;
}

export interface ValidatedReceipt extends ReceiptPayload {
  /** The Fernet timestamp, whole seconds. */
  readonly issuedAt: Date;
}

export interface ReceiptFormatterOptions {
  /** The current [fernet_receipts] key list. */
  readonly fernet: () => Fernet;
  /** [auth] methods, in configured order. */
  readonly methods: readonly string[];
}

export class ReceiptFormatter {
  private readonly bits: MethodBits;

  constructor(private readonly options: ReceiptFormatterOptions) {
    this.bits = new MethodBits(options.methods);
  }

  create(receipt: ReceiptPayload, now?: Date): string {
    const bytes = packTuple([packId(receipt.userId), this.bits.pack(receipt.methods), packExpiry(receipt.expiresAt)]);
    return stripPadding(this.options.fernet().encrypt(bytes, now ? { now } : {}));
  }

  /** Throws InvalidFernetToken or InvalidTokenPayload; expiry is the caller's check, as for tokens. */
  validate(receipt: string): ValidatedReceipt {
    const { plaintext, issuedAt } = this.options.fernet().decryptWithTimestamp(restorePadding(receipt));
    const fields = unpackTuple(plaintext);
    if (fields.length !== 3) throw new InvalidTokenPayload(`receipt payload has ${fields.length} fields, expected 3`);
    return {
      userId: unpackId(fields[0], 'user_id'),
      methods: this.bits.unpack(fields[1]),
      expiresAt: unpackExpiry(fields[2]),
      issuedAt,
    };
  }
}
