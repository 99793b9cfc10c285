// Token payloads, versions 0-10, as msgpack tuples laid out field for field like py-keystone's payload classes
// (keystone/token/token_formatters.py): [version, user_id, methods, <scope fields>, expires_at, audit_ids, ...].
// Versions 0-9 are Zed's; version 10 (OAuth2 client credentials bound to an mTLS certificate) arrived in 2023.1.
import { InvalidTokenPayload, UnsupportedPayloadVersion } from './errors.js';
import { packTuple, unpackTuple, type TupleElement } from './msgpack-tuple.js';
import {
  MethodBits,
  packAuditIds,
  packExpiry,
  packId,
  packUuid,
  unpackAuditIds,
  unpackExpiry,
  unpackId,
  unpackOptionalId,
  unpackText,
  unpackUuid,
  uuidBytes,
} from './payload-fields.js';

export const PAYLOAD_VERSION = {
  unscoped: 0,
  domain: 1,
  project: 2,
  trust: 3,
  federatedUnscoped: 4,
  federatedProject: 5,
  federatedDomain: 6,
  oauth1: 7,
  system: 8,
  applicationCredential: 9,
  oauth2Credential: 10,
} as const;

interface PayloadBase {
  readonly userId: string;
  /** Auth methods, highest configured bit first when decoded (py-keystone's order). */
  readonly methods: readonly string[];
  /** Decoded expiries are whole seconds, as py-keystone sees them (see unpackExpiry). */
  readonly expiresAt: Date;
  /** The token's own audit id, then (for a rescoped token) the audit id of the chain it came from. */
  readonly auditIds: readonly string[];
}

interface Federation {
  readonly federatedGroupIds: readonly string[];
  readonly identityProviderId: string;
  readonly protocolId: string;
}

export type UnscopedPayload = PayloadBase & { readonly version: 0 };
export type DomainScopedPayload = PayloadBase & { readonly version: 1; readonly domainId: string };
export type ProjectScopedPayload = PayloadBase & { readonly version: 2; readonly projectId: string };
export type TrustScopedPayload = PayloadBase & { readonly version: 3; readonly projectId: string; readonly trustId: string };
export type FederatedUnscopedPayload = PayloadBase & Federation & { readonly version: 4 };
export type FederatedProjectScopedPayload = PayloadBase & Federation & { readonly version: 5; readonly projectId: string };
export type FederatedDomainScopedPayload = PayloadBase & Federation & { readonly version: 6; readonly domainId: string };
export type OAuth1ScopedPayload = PayloadBase & { readonly version: 7; readonly projectId: string; readonly accessTokenId: string };
/** `system` is the scope name py-keystone stores, `all` in practice. */
export type SystemScopedPayload = PayloadBase & { readonly version: 8; readonly system: string };
export type ApplicationCredentialScopedPayload = PayloadBase & {
  readonly version: 9;
  readonly projectId: string;
  readonly applicationCredentialId: string;
};
/** py-keystone 2023.1+: project or domain scope (either may be absent) and the client certificate's thumbprint. */
export type OAuth2CredentialPayload = PayloadBase & {
  readonly version: 10;
  readonly projectId: string | null;
  readonly domainId: string | null;
  readonly thumbprint: string | null;
};

export type TokenPayload =
  | UnscopedPayload
  | DomainScopedPayload
  | ProjectScopedPayload
  | TrustScopedPayload
  | FederatedUnscopedPayload
  | FederatedProjectScopedPayload
  | FederatedDomainScopedPayload
  | OAuth1ScopedPayload
  | SystemScopedPayload
  | ApplicationCredentialScopedPayload
  | OAuth2CredentialPayload;

export interface PayloadCodecOptions {
  /** [auth] methods, in configured order: it fixes each method's bit. */
  readonly methods: readonly string[];
  /** [identity] default_domain_id: the one non-uuid domain id a domain-scoped payload may carry. */
  readonly defaultDomainId: string;
}

/** Packs and unpacks TokenPayload values; stateless apart from the configuration that fixes the encoding. */
export class PayloadCodec {
  private readonly bits: MethodBits;
  private readonly defaultDomainId: string;

  constructor(options: PayloadCodecOptions) {
    this.bits = new MethodBits(options.methods);
    this.defaultDomainId = options.defaultDomainId;
  }

  encode(payload: TokenPayload): Uint8Array {
    const user = packId(payload.userId);
    const methods = this.bits.pack(payload.methods);
    const expires = packExpiry(payload.expiresAt);
    const audit = packAuditIds(payload.auditIds);
    let fields: TupleElement[];
    switch (payload.version) {
      case 0:
        fields = [user, methods, expires, audit];
        break;
      case 1:
        fields = [user, methods, this.packDomain(payload.domainId), expires, audit];
        break;
      case 2:
        fields = [user, methods, packId(payload.projectId), expires, audit];
        break;
      case 3:
        fields = [user, methods, packId(payload.projectId), expires, audit, packUuid(payload.trustId, 'trust_id')];
        break;
      case 4:
        fields = [user, methods, packGroups(payload), packId(payload.identityProviderId), payload.protocolId, expires, audit];
        break;
      case 5:
      case 6: {
        const scope = payload.version === 5 ? payload.projectId : payload.domainId;
        fields = [user, methods, packId(scope), packGroups(payload), packId(payload.identityProviderId), payload.protocolId, expires, audit];
        break;
      }
      case 7:
        fields = [user, methods, packId(payload.projectId), packId(payload.accessTokenId), expires, audit];
        break;
      case 8:
        fields = [user, methods, payload.system, expires, audit];
        break;
      case 9:
        fields = [user, methods, packId(payload.projectId), expires, audit, packId(payload.applicationCredentialId)];
        break;
      case 10:
        // The thumbprint is flagged "not uuid bytes" unconditionally, whatever it looks like.
        fields = [user, methods, packId(payload.projectId), packId(payload.domainId), expires, audit, [false, payload.thumbprint]];
        break;
    }
    return packTuple([payload.version, ...fields]);
  }

  decode(bytes: Uint8Array): TokenPayload {
    const [version, ...f] = unpackTuple(bytes);
    const expect = (n: number) => {
      if (f.length !== n) throw new InvalidTokenPayload(`payload version ${String(version)} has ${f.length} fields, expected ${n}`);
    };
    const base = (expiresIndex: number): PayloadBase => ({
      userId: unpackId(f[0], 'user_id'),
      methods: this.bits.unpack(f[1]),
      expiresAt: unpackExpiry(f[expiresIndex]),
      auditIds: unpackAuditIds(f[expiresIndex + 1]),
    });
    switch (version) {
      case 0:
        expect(4);
        return { version, ...base(2) };
      case 1:
        expect(5);
        return { version, ...base(3), domainId: this.unpackDomain(f[2]) };
      case 2:
        expect(5);
        return { version, ...base(3), projectId: unpackId(f[2], 'project_id') };
      case 3:
        expect(6);
        return { version, ...base(3), projectId: unpackId(f[2], 'project_id'), trustId: unpackUuid(f[5], 'trust_id') };
      case 4:
        expect(7);
        return { version, ...base(5), ...unpackFederation(f[2], f[3], f[4]) };
      case 5:
        expect(8);
        return { version, ...base(6), projectId: unpackId(f[2], 'project_id'), ...unpackFederation(f[3], f[4], f[5]) };
      case 6:
        expect(8);
        return { version, ...base(6), domainId: unpackId(f[2], 'domain_id'), ...unpackFederation(f[3], f[4], f[5]) };
      case 7:
        expect(6);
        return { version, ...base(4), projectId: unpackId(f[2], 'project_id'), accessTokenId: unpackId(f[3], 'access_token_id') };
      case 8:
        expect(5);
        return { version, ...base(3), system: unpackText(f[2], 'system') };
      case 9:
        expect(6);
        return {
          version,
          ...base(3),
          projectId: unpackId(f[2], 'project_id'),
          applicationCredentialId: unpackId(f[5], 'app_cred_id'),
        };
      case 10:
        expect(7);
        return {
          version,
          ...base(4),
          projectId: unpackOptionalId(f[2], 'project_id'),
          domainId: unpackOptionalId(f[3], 'domain_id'),
          thumbprint: unpackOptionalId(f[6], 'thumbprint'),
        };
      default:
        throw new UnsupportedPayloadVersion(version);
    }
  }

  /**
   * Domain-scoped payloads carry the domain bare, not as a pair: 16 uuid bytes, or the default domain's id as
   * text (it is configurable and usually `default`). Any other non-uuid domain cannot be encoded.
   */
  private packDomain(domainId: string): TupleElement {
    const bytes = uuidBytes(domainId);
    if (bytes) return bytes;
    // A 16-byte default id would read back as uuid bytes (py-keystone cannot read it at all).
    if (domainId === this.defaultDomainId && Buffer.byteLength(domainId) !== 16) return domainId;
    throw new InvalidTokenPayload(`domain-scoped payloads need a uuid or the default domain id, got ${JSON.stringify(domainId)}`);
  }

  private unpackDomain(value: unknown): string {
    if (value instanceof Uint8Array && value.length === 16) return Buffer.from(value).toString('hex');
    const text = unpackText(value, 'domain_id');
    if (text !== this.defaultDomainId) throw new InvalidTokenPayload(`domain_id ${JSON.stringify(text)} is neither a uuid nor the default domain`);
    return text;
  }
}

function packGroups(payload: Federation): TupleElement {
  return payload.federatedGroupIds.map(packId);
}

function unpackFederation(groups: unknown, idp: unknown, protocol: unknown): Federation {
  if (!Array.isArray(groups)) throw new InvalidTokenPayload('federated group ids is not a list');
  return {
    federatedGroupIds: groups.map((g) => unpackId(g, 'group_id')),
    identityProviderId: unpackId(idp, 'identity_provider_id'),
    protocolId: unpackText(protocol, 'protocol_id'),
  };
}
