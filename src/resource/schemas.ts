// Request bodies of the resource routes, as py-keystone's keystone/resource/schema.py declares them: unknown
// attributes are allowed (they are stored as `extra`), names are 1-64 characters with a non-space, tags follow the
// API-WG tag guideline (no ',' or '/'), and an update must name at least one attribute.
import { z } from 'zod';

const idString = z.string().min(1).max(64).regex(/^[a-zA-Z0-9-]+$/);
const name = z.string().min(1).max(64).regex(/\S/);

export const tagName = z.string().min(1).max(255).regex(/^[^,/]*$/);

export const tagList = z
  .array(tagName)
  .max(80)
  .refine((tags) => new Set(tags).size === tags.length, { message: 'has non-unique elements' });

/** The project resource options (py-keystone's PROJECT_OPTIONS_REGISTRY): null removes an option. */
const projectOptions = z.strictObject({ immutable: z.boolean().nullable().optional() });

const projectProperties = {
  description: z.string().nullable().optional(),
  domain_id: idString.nullable().optional(),
  enabled: z.boolean().optional(),
  is_domain: z.boolean().optional(),
  parent_id: idString.nullable().optional(),
  name: name.optional(),
  tags: tagList.optional(),
  options: projectOptions.optional(),
};

const atLeastOne = (body: Record<string, unknown>) => Object.keys(body).length >= 1;

export const projectCreate = z.looseObject({ ...projectProperties, name });
export const projectUpdate = z
  .looseObject(projectProperties)
  .refine(atLeastOne, { message: 'does not have enough properties' });

const domainProperties = {
  description: z.string().nullable().optional(),
  enabled: z.boolean().optional(),
  name: name.optional(),
  tags: tagList.optional(),
};

export const domainCreate = z.looseObject({ ...domainProperties, name });
export const domainUpdate = z
  .looseObject(domainProperties)
  .refine(atLeastOne, { message: 'does not have enough properties' });

/** Envelopes, for the OpenAPI document: py-keystone reads `body.project` (etc.), treating a missing one as {}. */
export const projectCreateBody = z.object({ project: projectCreate });
export const projectUpdateBody = z.object({ project: projectUpdate });
export const domainCreateBody = z.object({ domain: domainCreate });
export const domainUpdateBody = z.object({ domain: domainUpdate });
export const tagsBody = z.object({ tags: tagList });

/** A domain configuration: groups of options; which groups and options are allowed is checked by the service. */
export const domainConfigBody = z.object({ config: z.record(z.string(), z.unknown()) });
