// Collection envelopes of the unified limit lists: members with self links, the collection's links, and
// `truncated` when the list limit cut the list (which, for a domain-scoped caller, py-keystone may report on a
// list already shortened by what the domain cannot see, so the flag comes from the listing, not the length).
import type { FastifyRequest } from 'fastify';
import { wrapCollection } from '../server/v3/collection.js';
import type { Listed } from './listing.js';
import { withSelfLink, type LimitCollection, type Ref } from './render.js';

export function limitCollection(request: FastifyRequest, base: string, key: LimitCollection, listed: Listed<Ref>): Record<string, unknown> {
  const body = wrapCollection(request, base, key, listed.rows.map((ref) => withSelfLink(ref, base, key)));
  return listed.truncated ? { ...body, truncated: true } : body;
}
