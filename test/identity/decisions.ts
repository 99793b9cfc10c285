// The persona matrix of test/interop/personas.ts, sent a few personas at a time and to both servers at once: the
// identity routes are many, and the peer is slow on a loaded machine. Requests whose outcome depends on the
// order personas run in (one persona's change seen by the next) pass `sequential`.
import type { Test } from 'tap';
import { call } from '../helpers/identity-api.js';
import { PEER, type Server } from '../helpers/services.js';
import type { Persona, Personas } from '../interop/personas.js';

export type { Server } from '../helpers/services.js';
export type PersonaRequest = (p: Persona, server: Server) => { method: string; path: string; body?: unknown };

const AT_ONCE = 4;

export async function sameDecisions(
  t: Test,
  personas: Personas,
  oursUrl: string,
  request: PersonaRequest,
  options: { sequential?: boolean } = {},
): Promise<void> {
  const decide = async (persona: Persona) => {
    const send = (server: Server) => {
      const r = request(persona, server);
      return call(server === 'py-keystone' ? PEER.url : oursUrl, r.method, r.path, {
        token: persona.token,
        ...(r.body !== undefined && { body: r.body }),
      });
    };
    const [theirs, mine] = options.sequential
      ? [await send('py-keystone'), await send('keystone-ts')]
      : await Promise.all([send('py-keystone'), send('keystone-ts')]);
    return { persona, theirs: theirs.status, mine: mine.status };
  };
  const results: Awaited<ReturnType<typeof decide>>[] = [];
  const step = options.sequential ? 1 : AT_ONCE;
  for (let i = 0; i < personas.all.length; i += step) {
    results.push(...(await Promise.all(personas.all.slice(i, i + step).map(decide))));
  }
  for (const { persona, theirs, mine } of results) {
    const r = request(persona, 'py-keystone');
    t.equal(mine, theirs, `${persona.name}: ${r.method} ${r.path} -> ${theirs}`);
  }
}
