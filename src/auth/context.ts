// What a validated X-Auth-Token tells every later step of a request. Built once per token by the token provider,
// cached, and never mutated: handlers and the policy engine only read it.

export type Scope =
  | { readonly kind: 'unscoped' }
  | { readonly kind: 'project'; readonly projectId: string; readonly projectDomainId: string }
  | { readonly kind: 'domain'; readonly domainId: string }
  | { readonly kind: 'system'; readonly system: 'all' };

export interface RoleRef {
  readonly id: string;
  readonly name: string;
  readonly domain_id?: string | null;
}

export interface AuthContext {
  /** The token string itself; never logged. */
  readonly tokenId: string;
  readonly userId: string;
  readonly userDomainId: string;
  readonly methods: readonly string[];
  readonly scope: Scope;
  /** Effective roles on the scope, implied roles included (py-keystone's token `roles`). */
  readonly roles: readonly RoleRef[];
  readonly auditIds: readonly string[];
  readonly expiresAt: Date;
  readonly issuedAt: Date;
  /** True when the project scope is the configured [resource] admin_project (oslo.context is_admin_project). */
  readonly isAdminProject: boolean;
  readonly trustId?: string;
  readonly applicationCredentialId?: string;
  /**
   * The token body exactly as GET /v3/auth/tokens would render it (the value under "token"); py-keystone
   * exposes it to policy rules as `token.*` credentials.
   */
  readonly tokenBody: Readonly<Record<string, unknown>>;
}
