// The persona matrix's world for the identity policy tests: personas (test/interop/personas.ts), keystone-ts
// beside the peer, and users and groups in the personas' domain and in the other domain to aim requests at.
import type { Test } from 'tap';
import { call, uniqueName } from '../helpers/identity-api.js';
import { startKeystoneTs, type RunningKeystone } from '../helpers/keystone-ts.js';
import { PEER } from '../helpers/services.js';
import { createPersonas, type Personas } from '../interop/personas.js';
import { sameDecisions, type PersonaRequest, type Server } from './decisions.js';

export interface PolicyWorld {
  readonly ks: RunningKeystone;
  readonly personas: Personas;
  /** Through the peer, as admin; throws unless 2xx. */
  peer(method: string, path: string, body?: unknown): Promise<any>;
  newUser(domainId: string): Promise<string>;
  newGroup(domainId: string): Promise<string>;
  /**
   * For requests that delete: a fresh user or group per server for each persona holding the admin role (the
   * ones policy lets through), `fallback` for the others (refused before anything happens).
   */
  victims(make: () => Promise<string>, fallback: string): Promise<(persona: string, server: Server) => string>;
  same(t: Test, request: PersonaRequest, options?: { sequential?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function policyWorld(): Promise<PolicyWorld> {
  const ks = await startKeystoneTs();
  const personas = await createPersonas();
  const peer = async (method: string, path: string, body?: unknown) => {
    const r = await call(PEER.url, method, path, { token: personas.adminToken, ...(body !== undefined && { body }) });
    if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const newUser = async (domainId: string) =>
    (await peer('POST', '/v3/users', { user: { name: uniqueName('pol-u'), domain_id: domainId } })).user.id as string;
  const newGroup = async (domainId: string) =>
    (await peer('POST', '/v3/groups', { group: { name: uniqueName('pol-g'), domain_id: domainId } })).group.id as string;
  return {
    ks,
    personas,
    peer,
    newUser,
    newGroup,
    victims: async (make, fallback) => {
      const map = new Map<string, string>();
      for (const p of personas.all.filter((x) => x.name.endsWith('-admin'))) {
        for (const s of ['py-keystone', 'keystone-ts']) map.set(`${p.name}/${s}`, await make());
      }
      return (persona, server) => map.get(`${persona}/${server}`) ?? fallback;
    },
    same: (t, request, options) => sameDecisions(t, personas, ks.url, request, options),
    close: async () => {
      // The personas' domains go with everything the tests made in them.
      await personas.cleanup();
      await ks.close();
    },
  };
}
