// Request bodies of the resource routes, read once policy has passed (src/server/json-body.ts says why).
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import { isPlainObject } from '../python/values.js';

/** The member of a JSON body py-keystone reads with `body.get(key, {})`. */
export function bodyMember(body: unknown, key: string): unknown {
  return isPlainObject(body) && key in body ? body[key] : {};
}

/**
 * Validates like py-keystone's SchemaValidator: a 400 naming the first failing field. (py-keystone's message goes on
 * with a dump of its JSON schema, which clients do not parse.)
 */
export function validateBody<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const path = issue.path.map(String).join('/');
  throw new ValidationError(path ? `Invalid input for field '${path}': ${issue.message}` : issue.message);
}
