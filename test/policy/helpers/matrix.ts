// The credential and target matrix the parity tests run: who asks (personas as validated tokens) and about
// what (policy dicts whose ids sometimes match the asker's, sometimes another domain's, sometimes are missing).
import type { AuthContext, RoleRef, Scope } from '../../../src/auth/context.js';

export const IDS = {
  user: 'u-1111',
  otherUser: 'u-2222',
  thirdUser: 'u-3333',
  domain: 'd-aaaa',
  otherDomain: 'd-bbbb',
  project: 'p-1111',
  otherProject: 'p-2222',
} as const;

const ROLE_IDS: Record<string, string> = { admin: 'r-admin', member: 'r-member', reader: 'r-reader', service: 'r-service' };

function roles(...names: string[]): RoleRef[] {
  return names.map((name) => ({ id: ROLE_IDS[name.toLowerCase()] ?? `r-${name}`, name }));
}

function context(userId: string, userDomainId: string, scope: Scope, roleRefs: RoleRef[]): AuthContext {
  const body: Record<string, unknown> = {
    methods: ['password'],
    user: { id: userId, name: `name-${userId}`, domain: { id: userDomainId, name: `name-${userDomainId}` } },
    audit_ids: ['YXVkaXQtaWQtMDAwMDAw'],
    expires_at: '2030-01-01T00:00:00.000000Z',
    issued_at: '2029-12-31T23:00:00.000000Z',
  };
  if (scope.kind === 'system') body.system = { all: true };
  if (scope.kind === 'domain') body.domain = { id: scope.domainId, name: `name-${scope.domainId}` };
  if (scope.kind === 'project') {
    body.project = {
      id: scope.projectId,
      name: `name-${scope.projectId}`,
      domain: { id: scope.projectDomainId, name: `name-${scope.projectDomainId}` },
    };
    body.is_domain = false;
  }
  if (scope.kind !== 'unscoped') body.roles = roleRefs.map((r) => ({ id: r.id, name: r.name }));
  return {
    tokenId: 'not-a-real-token',
    userId,
    userDomainId,
    methods: ['password'],
    scope,
    roles: roleRefs,
    auditIds: ['YXVkaXQtaWQtMDAwMDAw'],
    expiresAt: new Date('2030-01-01T00:00:00Z'),
    issuedAt: new Date('2029-12-31T23:00:00Z'),
    isAdminProject: false,
    tokenBody: body,
  };
}

const system: Scope = { kind: 'system', system: 'all' };
const domain: Scope = { kind: 'domain', domainId: IDS.domain };
const otherDomain: Scope = { kind: 'domain', domainId: IDS.otherDomain };
const project: Scope = { kind: 'project', projectId: IDS.project, projectDomainId: IDS.domain };
const otherProject: Scope = { kind: 'project', projectId: IDS.otherProject, projectDomainId: IDS.otherDomain };

/** Roles as py-keystone puts them in a token: implied roles included (admin implies member implies reader). */
export const PERSONAS: ReadonlyArray<readonly [string, AuthContext]> = [
  ['system admin', context(IDS.user, IDS.domain, system, roles('admin', 'member', 'reader'))],
  ['system member', context(IDS.user, IDS.domain, system, roles('member', 'reader'))],
  ['system reader', context(IDS.user, IDS.domain, system, roles('reader'))],
  ['domain admin', context(IDS.user, IDS.domain, domain, roles('admin', 'member', 'reader'))],
  ['domain member', context(IDS.user, IDS.domain, domain, roles('member', 'reader'))],
  ['domain reader', context(IDS.user, IDS.domain, domain, roles('reader'))],
  ['project admin', context(IDS.user, IDS.domain, project, roles('admin', 'member', 'reader'))],
  ['project member', context(IDS.user, IDS.domain, project, roles('member', 'reader'))],
  ['project reader', context(IDS.user, IDS.domain, project, roles('reader'))],
  ['project, no role', context(IDS.user, IDS.domain, project, [])],
  ['project reader, role name in capitals', context(IDS.user, IDS.domain, project, roles('Reader'))],
  ['service user', context(IDS.user, IDS.domain, project, roles('service'))],
  ['other-domain admin', context(IDS.otherUser, IDS.otherDomain, otherDomain, roles('admin', 'member', 'reader'))],
  ['other-domain project member', context(IDS.otherUser, IDS.otherDomain, otherProject, roles('member', 'reader'))],
  ['unscoped', context(IDS.user, IDS.domain, { kind: 'unscoped' }, [])],
];

/** Every %(key)s the given check strings substitute. */
export function substitutedKeys(checkStrings: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const s of checkStrings) for (const m of s.matchAll(/%\(([^)]+)\)s/g)) keys.add(m[1]!);
  return [...keys].sort();
}

/** A small deterministic PRNG (mulberry32), so a failing case reproduces. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OMIT = Symbol('omit');

function pool(key: string): readonly unknown[] {
  if (/domain(_id|\.id)$/.test(key)) return [IDS.domain, IDS.otherDomain, null, OMIT];
  if (/(user|trustor_user|trustee_user)(_id|\.id)$/.test(key)) return [IDS.user, IDS.otherUser, IDS.thirdUser, null, OMIT];
  if (/project(_id|\.id)$/.test(key)) return [IDS.project, IDS.otherProject, null, OMIT];
  return ['x', null, OMIT];
}

/** Sets a dotted key in a nested dict, creating the dicts on the way. */
function setPath(dict: Record<string, unknown>, dotted: string, value: unknown): void {
  const parts = dotted.split('.');
  let node = dict;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

/**
 * Policy dicts over the given keys: empty, everything the asker's own, everything another domain's,
 * everything None, then `random` mixtures (each key own / other / None / missing).
 */
export function targetsFor(keys: readonly string[], random: number, seed = 20240607): Record<string, unknown>[] {
  const fixed = (pick: (options: readonly unknown[]) => unknown) => {
    const dict: Record<string, unknown> = {};
    for (const key of keys) {
      const value = pick(pool(key));
      if (value !== OMIT) setPath(dict, key, value);
    }
    return dict;
  };
  const next = prng(seed);
  const targets = [{}, fixed((o) => o[0]), fixed((o) => o[1]), fixed(() => null)];
  for (let i = 0; i < random; i++) targets.push(fixed((o) => o[Math.floor(next() * o.length)]));
  return targets;
}
