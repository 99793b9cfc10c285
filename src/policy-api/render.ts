// Policies as py-keystone's PolicyModel.to_dict shows them: the `extra` attributes first, then id, the blob (JSON
// text in the row, its value on the wire) and type; and the reverse, every attribute that is not a column going
// to `extra`.
import { pyJsonDumps } from '../catalog/python-json.js';
import { parseExtra } from '../identity/store.js';
import { isPlainObject } from '../python/values.js';
import type { PolicyRow } from './store.js';

export type Ref = Record<string, unknown>;

const COLUMNS = new Set(['id', 'blob', 'type']);

export function policyRef(row: PolicyRow): Ref {
  return { ...parseExtra(row.extra), id: row.id, blob: parseBlob(row.blob), type: row.type };
}

/** from_dict: a body's own `extra` key is replaced by the attributes that are not columns. */
export function policyRow(ref: Ref): PolicyRow {
  const extra: Ref = {};
  for (const [key, value] of Object.entries(ref)) if (!COLUMNS.has(key) && key !== 'extra') extra[key] = value;
  return { id: ref.id as string, blob: pyJsonDumps(ref.blob), type: ref.type as string, extra: pyJsonDumps(extra) };
}

/** A self link under `collection` (py-keystone links the effective policy of an endpoint under /v3/endpoints). */
export function withSelfLink(ref: Ref, base: string, collection: 'policies' | 'endpoints'): Ref {
  const stored = isPlainObject(ref.links) ? ref.links : {};
  return { ...ref, links: { ...stored, self: `${base}/v3/${collection}/${String(ref.id)}` } };
}

function parseBlob(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
