// Catalog refs as the API shows them: every member gets `links.self` (merged into a `links` object the ref may
// already carry in `extra`, as py-keystone's wrap_member does), and an endpoint shows `region` (a copy of
// region_id) but never legacy_endpoint_id (api/endpoints.py's _filter_endpoint).
import { ValidationError } from '../errors.js';
import { isPlainObject, pyTypeName } from '../python/values.js';
import { selfLink } from '../server/v3/collection.js';
import type { Ref } from './models.js';

export type CollectionPath = 'regions' | 'services' | 'endpoints';

export function withSelfLink(ref: Ref, base: string, collection: CollectionPath): Ref {
  const stored = isPlainObject(ref.links) ? ref.links : {};
  return { ...ref, links: { ...stored, self: selfLink(base, collection, String(ref.id)) } };
}

/** _filter_endpoint: what an endpoint ref looks like on the wire (before its self link). */
export function publicEndpoint(ref: Ref): Ref {
  const { legacy_endpoint_id: _hidden, ...shown } = ref;
  return { ...shown, region: ref.region_id };
}

/**
 * A `links` attribute that is not an object cannot take the self link: py-keystone stores it and then fails with
 * Python's TypeError (a 400) on every later read of the entity. keystone-ts refuses it up front, with the same
 * 400, before anything is written.
 */
export function assertLinksAcceptSelf(ref: Ref): void {
  if (!Object.hasOwn(ref, 'links') || isPlainObject(ref.links)) return;
  const links = ref.links;
  throw new ValidationError(
    Array.isArray(links)
      ? 'list indices must be integers or slices, not str'
      : `'${pyTypeName(links)}' object does not support item assignment`,
  );
}
