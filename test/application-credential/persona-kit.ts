// What the persona-matrix tests share: keystone-ts beside the peer, the personas (see test/interop/personas.ts),
// the project member as the owner of what the matrix acts on, and credentials and access rules written straight
// to the database for it (policy never looks at a secret, and hashing one per request would only slow the matrix).
import type { Test } from 'tap';
import { insertAccessRule, insertApplicationCredential } from '../../src/application-credential/store.js';
import { uniqueName } from '../helpers/identity-api.js';
import { startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { createPersonas, type Persona, type Personas } from '../interop/personas.js';
import { SERVERS } from './kit.js';

export interface Matrix {
  readonly ours: RunningKeystone;
  readonly personas: Personas;
  readonly owner: Persona;
  readonly ownerCreds: string;
  readonly ownerRules: string;
  storedCredential(): Promise<string>;
  storedRule(): Promise<string>;
  /** One fresh item per persona and server, for requests that use it up (deletes); keyed `persona/server`. */
  perPersona(make: () => Promise<string>): Promise<Map<string, string>>;
}

export async function startMatrix(t: Test): Promise<Matrix> {
  const ours = await startKeystoneTs();
  const personas = await createPersonas();
  t.teardown(async () => {
    await personas.cleanup();
    await ours.close();
  });
  const db = ours.runtime.database.db;
  const owner = personas.get('project-member');
  return {
    ours,
    personas,
    owner,
    ownerCreds: `/v3/users/${owner.userId}/application_credentials`,
    ownerRules: `/v3/users/${owner.userId}/access_rules`,
    storedCredential: async () => {
      const id = uniqueName('pc').replace('-', '');
      await insertApplicationCredential(
        db,
        { id, name: id, secretHash: 'unused', description: null, userId: owner.userId, projectId: personas.projectId, system: null, expiresAt: null, unrestricted: null },
        [personas.roles.member],
      );
      return id;
    },
    storedRule: async () => {
      const id = uniqueName('pr').replace('-', '');
      await insertAccessRule(db, { externalId: id, userId: owner.userId, service: 'compute', path: `/${id}`, method: 'GET' });
      return id;
    },
    perPersona: async (make) => {
      const items = new Map<string, string>();
      for (const p of personas.all) for (const s of SERVERS) items.set(`${p.name}/${s}`, await make());
      return items;
    },
  };
}
