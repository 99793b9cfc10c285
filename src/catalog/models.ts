// Catalog rows as py-keystone's ModelDictMixinWithExtras sees them. A ref (the dict the API reads and writes) is
// the row's `extra` object with the real columns laid over it; going back, every key that is not a column goes to
// `extra`. String columns refuse values longer than the column with py-keystone's StringLengthExceeded (400),
// checked in the ref's key order as its model constructor does.
import { ValidationError } from '../errors.js';
import { parseExtra } from '../identity/store.js';
import { pyJsonDumps } from './python-json.js';
import type { EndpointRow, RegionRow, ServiceRow } from './store.js';

export type Ref = Record<string, unknown>;

/** Column attributes and the length of each string column (null: not a bounded string). */
const REGION_COLUMNS = { id: 255, description: 255, parent_region_id: 255 } as const;
const SERVICE_COLUMNS = { id: 64, type: 255, enabled: null } as const;
const ENDPOINT_COLUMNS = {
  id: 64,
  interface: 8,
  region_id: 255,
  service_id: 64,
  url: null,
  legacy_endpoint_id: 64,
  enabled: null,
} as const;

export function regionToRef(row: RegionRow): Ref {
  return { ...parseExtra(row.extra), id: row.id, description: row.description, parent_region_id: row.parentRegionId };
}

export function serviceToRef(row: ServiceRow): Ref {
  return { ...parseExtra(row.extra), id: row.id, type: row.type, enabled: row.enabled };
}

export function endpointToRef(row: EndpointRow): Ref {
  return {
    ...parseExtra(row.extra),
    id: row.id,
    interface: row.interface,
    region_id: row.regionId,
    service_id: row.serviceId,
    url: row.url,
    legacy_endpoint_id: row.legacyEndpointId,
    enabled: row.enabled,
  };
}

export function regionFromRef(ref: Ref): RegionRow {
  const { columns, extra } = split(ref, REGION_COLUMNS);
  return {
    id: columns.id as string,
    description: columns.description as string,
    parentRegionId: (columns.parent_region_id as string | null | undefined) ?? null,
    extra,
  };
}

export function serviceFromRef(ref: Ref): ServiceRow {
  const { columns, extra } = split(ref, SERVICE_COLUMNS);
  return {
    id: columns.id as string,
    type: (columns.type as string | null | undefined) ?? null,
    enabled: (columns.enabled as boolean | undefined) ?? true,
    extra,
  };
}

/** Endpoint.from_dict: a missing or null `enabled` means enabled. */
export function endpointFromRef(ref: Ref): EndpointRow {
  const { columns, extra } = split({ ...ref, enabled: ref.enabled ?? true }, ENDPOINT_COLUMNS);
  return {
    id: columns.id as string,
    legacyEndpointId: columnText(columns.legacy_endpoint_id),
    interface: columns.interface as string,
    serviceId: columns.service_id as string,
    url: columns.url as string,
    extra,
    enabled: columns.enabled as boolean,
    regionId: (columns.region_id as string | null | undefined) ?? null,
  };
}

function split(ref: Ref, columns: Readonly<Record<string, number | null>>): { columns: Ref; extra: string } {
  const picked: Ref = {};
  const extra: Ref = {};
  for (const [key, value] of Object.entries(ref)) {
    if (!Object.hasOwn(columns, key)) {
      extra[key] = value;
      continue;
    }
    const length = columns[key];
    if (length !== null && length !== undefined && value !== null && value !== undefined) {
      const text = typeof value === 'string' ? value : columnText(value)!;
      if ([...text].length > length) {
        throw new ValidationError(
          `String length exceeded. The length of string '${text}' exceeds the limit of column ${key}(CHAR(${length})).`,
        );
      }
    }
    picked[key] = value;
  }
  return { columns: picked, extra: pyJsonDumps(extra) };
}

/**
 * A value bound to a varchar column: PostgreSQL stores a number or boolean py-keystone passes through as its
 * text; a list or object is not a column value, and is refused.
 */
function columnText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new ValidationError(`Invalid value for a string attribute: ${JSON.stringify(value)}`);
}
