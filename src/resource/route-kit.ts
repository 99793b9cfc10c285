// Shapes shared by the resource routes: query values as Flask reads them (a key may repeat), and collection
// envelopes whose members carry their self links.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { wrapCollection } from '../server/v3/collection.js';
import type { ListedProjects } from './project-list.js';
import { withLink } from './render.js';

/** A query parameter: one value, or several when the key repeats. */
export const queryValue = z.union([z.string(), z.array(z.string())]).optional();

/** A list answer: members with self links, collection links, and `truncated` when the list limit cut it. */
export function projectCollection(
  request: FastifyRequest,
  base: string,
  key: 'projects' | 'domains',
  listed: ListedProjects,
): Record<string, unknown> {
  const body = wrapCollection(request, base, key, listed.refs.map((ref) => withLink(ref, base, key)));
  return listed.truncated ? { ...body, truncated: true } : body;
}
