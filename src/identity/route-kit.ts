// What the identity routes share: list envelopes with `truncated`.
import type { FastifyRequest } from 'fastify';
import { wrapCollection } from '../server/v3/collection.js';
import type { Listed } from './service.js';

/** A list answer: `links`, and `truncated` when [identity] list_limit cut the list. */
export function collection(request: FastifyRequest, base: string, key: string, listed: Listed): Record<string, unknown> {
  const body = wrapCollection(request, base, key, listed.refs);
  return listed.truncated ? { ...body, truncated: true } : body;
}
