// Collection and member envelopes as py-keystone's wrap_collection / wrap_member build them: every member gets a
// `links.self`, the collection gets `links` {next, self (the request URL with its query), previous}, and a list cut
// at the configured list_limit says `"truncated": true`.
import type { FastifyRequest } from 'fastify';
import type { KeystoneConfig } from '../../config/schema.js';

export function selfLink(base: string, collectionPath: string, id: string): string {
  return `${base}/v3/${collectionPath}/${id}`;
}

/** The list limit for an area: the area's own `list_limit`, else `[DEFAULT] list_limit`. */
export function listLimit(config: KeystoneConfig, area?: 'identity' | 'resource' | 'catalog' | 'policy'): number | undefined {
  return (area ? config[area].list_limit : undefined) ?? config.DEFAULT.list_limit;
}

export function wrapCollection<T>(
  request: FastifyRequest,
  base: string,
  key: string,
  refs: T[],
  limit?: number,
): Record<string, unknown> {
  const truncated = limit !== undefined && refs.length > limit;
  const queryIndex = request.url.indexOf('?');
  const query = queryIndex === -1 ? '' : request.url.slice(queryIndex);
  const path = (queryIndex === -1 ? request.url : request.url.slice(0, queryIndex)).replace(/\/+$/, '');
  return {
    [key]: truncated ? refs.slice(0, limit) : refs,
    links: { next: null, self: `${base}${path}${query}`, previous: null },
    ...(truncated && { truncated: true }),
  };
}
