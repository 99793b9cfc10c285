// Reads what `opa build -t wasm` produces: either a bare policy.wasm, or bundle.tar.gz holding /policy.wasm
// (one or more modules, listed under "wasm" in /.manifest), an optional /data.json and the manifest.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export interface OpaWasmBundle {
  readonly modules: readonly Uint8Array[];
  /** The bundle's data document (data.json files merged by their directory), or undefined. */
  readonly data: Record<string, unknown> | undefined;
}

export class OpaBundleError extends Error {
  override readonly name = 'OpaBundleError';
}

export function readOpaBundle(file: string): OpaWasmBundle {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new OpaBundleError(`[opa] wasm_bundle ${file}: ${(err as Error).message}`);
  }
  if (bytes.subarray(0, 4).equals(Buffer.from([0x00, 0x61, 0x73, 0x6d]))) return { modules: [bytes], data: undefined };
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) {
    throw new OpaBundleError(`[opa] wasm_bundle ${file}: neither a WebAssembly module nor a gzipped bundle`);
  }
  const files = untar(gunzipSync(bytes));
  const manifest = files.get('.manifest');
  const listed = manifest ? ((JSON.parse(manifest.toString('utf8')) as { wasm?: Array<{ module?: string }> }).wasm ?? []) : [];
  const names = listed.length ? listed.map((w) => (w.module ?? '').replace(/^\/+/, '')) : ['policy.wasm'];
  const modules = names.map((name) => {
    const module = files.get(name);
    if (!module) throw new OpaBundleError(`[opa] wasm_bundle ${file}: the bundle has no ${name}`);
    return module;
  });
  let data: Record<string, unknown> | undefined;
  for (const [name, content] of files) {
    if (name !== 'data.json' && !name.endsWith('/data.json')) continue;
    const dirs = name.split('/').slice(0, -1);
    data ??= {};
    let node = data;
    for (const dir of dirs) node = (node[dir] ??= {}) as Record<string, unknown>;
    Object.assign(node, JSON.parse(content.toString('utf8')));
  }
  return { modules, data };
}

/** The regular files of a ustar/PAX/GNU tar archive, by path without a leading slash. */
function untar(archive: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  let offset = 0;
  let longName: string | undefined;
  while (offset + 512 <= archive.length) {
    const header = archive.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = field(156, 1) || '0';
    const prefix = field(345, 155);
    const body = archive.subarray(offset + 512, offset + 512 + size);
    let name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type === 'L') longName = body.toString('utf8').replace(/\0.*$/s, '');
    else if (type === 'x') longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'))?.[1];
    else if (type === '0' || type === '7') {
      name = name.replace(/^\.?\/+/, '');
      files.set(name, Buffer.from(body));
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
