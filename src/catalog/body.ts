// Request bodies of the catalog routes, read once policy has passed (src/server/json-body.ts says why); the
// services validate the member with json-schema.ts.
import { isPlainObject } from '../python/values.js';

/** `request_body_json.get(key)`: the member, or None (null) when the body or the member is missing. */
export function bodyMember(body: unknown, key: string): unknown {
  return isPlainObject(body) && Object.hasOwn(body, key) ? body[key] : null;
}
