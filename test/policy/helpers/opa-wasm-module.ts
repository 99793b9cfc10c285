// A tiny WebAssembly module, assembled here byte by byte, that honours the OPA WASM ABI as
// @open-policy-agent/opa-wasm drives it (node_modules/@open-policy-agent/opa-wasm/src/opa.js): it imports
// env.memory and env.opa_abort; exports the globals opa_wasm_abi_version (1) and opa_wasm_abi_minor_version,
// and opa_malloc, opa_free, opa_json_parse, opa_json_dump, opa_heap_ptr_get/set, builtins, entrypoints,
// opa_eval_ctx_new/set_input/set_data/set_entrypoint/get_result, eval (ABI 1.0/1.1) and opa_eval (1.2 fast path).
//
// A JSON value is represented by its NUL-terminated text, so parse copies and dump is the identity. The
// policy is a toy, but it is decided inside the module from the input bytes: each entrypoint allows when the
// input JSON contains a given needle (e.g. `"admin"`), else answers its violation, or calls opa_abort.
import { gzipSync } from 'node:zlib';

export interface ToyEntrypoint {
  /** Decision path, e.g. identity/user/show. */
  readonly name: string;
  /** Allow when the input's JSON text contains this string. */
  readonly allowIfInputContains?: string;
  /** The violation reported when not allowed. */
  readonly violation?: { readonly field: string; readonly msg: string };
  /** Abort evaluation with this message instead of deciding. */
  readonly abort?: string;
}

// ---- a minimal WebAssembly binary encoder --------------------------------------------------------------

const u32 = (n: number): number[] => {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
};
const s32 = (n: number): number[] => {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) return [...out, byte];
    out.push(byte | 0x80);
  }
};
const name = (s: string): number[] => {
  const bytes = [...Buffer.from(s, 'utf8')];
  return [...u32(bytes.length), ...bytes];
};
const vec = (items: number[][]): number[] => [...u32(items.length), ...items.flat()];
const section = (id: number, body: number[]): number[] => [id, ...u32(body.length), ...body];

const I32 = 0x7f;
const op = {
  get: (i: number) => [0x20, ...u32(i)],
  set: (i: number) => [0x21, ...u32(i)],
  tee: (i: number) => [0x22, ...u32(i)],
  gget: (i: number) => [0x23, ...u32(i)],
  gset: (i: number) => [0x24, ...u32(i)],
  const: (n: number) => [0x41, ...s32(n)],
  load: (offset = 0) => [0x28, 2, ...u32(offset)],
  load8: (offset = 0) => [0x2d, 0, ...u32(offset)],
  store: (offset = 0) => [0x36, 2, ...u32(offset)],
  store8: (offset = 0) => [0x3a, 0, ...u32(offset)],
  call: (f: number) => [0x10, ...u32(f)],
  br: (depth: number) => [0x0c, ...u32(depth)],
  brIf: (depth: number) => [0x0d, ...u32(depth)],
  add: [0x6a],
  sub: [0x6b],
  and: [0x71],
  shl: [0x74],
  shrU: [0x76],
  eq: [0x46],
  ne: [0x47],
  eqz: [0x45],
  gtU: [0x4b],
  leU: [0x4d],
  block: [0x02, 0x40],
  loop: [0x03, 0x40],
  if: [0x04, 0x40],
  ifI32: [0x04, I32],
  else: [0x05],
  end: [0x0b],
  return: [0x0f],
  drop: [0x1a],
  unreachable: [0x00],
  memorySize: [0x3f, 0x00],
  memoryGrow: [0x40, 0x00],
  memoryCopy: [0xfc, 0x0a, 0x00, 0x00],
};

// ---- the module --------------------------------------------------------------------------------------

const HEAP = 0; // global index of the heap pointer

/** Builds the module; `minorVersion` 1 makes opa-wasm use the eval-context calls, 2 its opa_eval fast path. */
export function toyOpaModule(entrypoints: readonly ToyEntrypoint[], minorVersion: 1 | 2 = 2): Uint8Array {
  // Static data: NUL-terminated strings from address 1024; the heap starts above them.
  const data: number[] = [];
  const base = 1024;
  const put = (text: string): number => {
    const at = base + data.length;
    data.push(...Buffer.from(text, 'utf8'), 0);
    return at;
  };
  const builtins = put('{}');
  const entrypointIds = put(JSON.stringify(Object.fromEntries(entrypoints.map((e, i) => [e.name, i]))));
  const allow = put(JSON.stringify([{ result: { allow: true, violation: [] } }]));
  const decisions = entrypoints.map((e) => ({
    needle: e.allowIfInputContains ? { at: put(e.allowIfInputContains), len: Buffer.byteLength(e.allowIfInputContains) } : undefined,
    deny: put(JSON.stringify([{ result: { allow: false, violation: e.violation ? [e.violation] : [] } }])),
    abort: e.abort !== undefined ? put(e.abort) : undefined,
  }));
  const unknownEntrypoint = put('unknown entrypoint');
  const heapStart = (base + data.length + 4095) & ~4095;

  const types = [
    [0x60, ...vec([[I32]]), ...vec([])], // 0: (i32) -> ()
    [0x60, ...vec([[I32]]), ...vec([[I32]])], // 1: (i32) -> i32
    [0x60, ...vec([[I32], [I32]]), ...vec([[I32]])], // 2: (i32, i32) -> i32
    [0x60, ...vec([]), ...vec([[I32]])], // 3: () -> i32
    [0x60, ...vec([[I32], [I32]]), ...vec([])], // 4: (i32, i32) -> ()
    [0x60, ...vec(Array.from({ length: 7 }, () => [I32])), ...vec([[I32]])], // 5: opa_eval
    [0x60, ...vec([[I32], [I32], [I32], [I32]]), ...vec([[I32]])], // 6: (i32 x4) -> i32
    [0x60, ...vec([[I32], [I32], [I32]]), ...vec([[I32]])], // 7: (i32 x3) -> i32
  ];

  // Function index 0 is the imported opa_abort; defined functions follow in this order.
  const F = {
    malloc: 1, free: 2, jsonParse: 3, jsonDump: 4, heapGet: 5, heapSet: 6, builtins: 7, entrypoints: 8,
    ctxNew: 9, ctxSetInput: 10, ctxSetData: 11, ctxSetEntrypoint: 12, ctxGetResult: 13, eval: 14, opaEval: 15,
    strlen: 16, contains: 17, decide: 18,
  };

  const decide: number[] = [];
  decisions.forEach((d, ep) => {
    decide.push(...op.get(0), ...op.const(ep), ...op.eq, ...op.if);
    if (d.abort !== undefined) {
      decide.push(...op.const(d.abort), ...op.call(0), ...op.unreachable);
    } else if (d.needle) {
      decide.push(...op.get(1), ...op.get(2), ...op.const(d.needle.at), ...op.const(d.needle.len), ...op.call(F.contains));
      decide.push(...op.if, ...op.const(allow), ...op.return, ...op.end, ...op.const(d.deny), ...op.return);
    } else {
      decide.push(...op.const(d.deny), ...op.return);
    }
    decide.push(...op.end);
  });
  decide.push(...op.const(unknownEntrypoint), ...op.call(0), ...op.unreachable);

  // [type index, extra i32 locals, body]
  const functions: Array<[number, number, number[]]> = [
    // opa_malloc(size): bump allocator, growing memory when the heap passes its end.
    [1, 1, [
      ...op.gget(HEAP), ...op.tee(1),
      ...op.get(0), ...op.const(7), ...op.add, ...op.const(-8), ...op.and, ...op.add, ...op.gset(HEAP),
      ...op.block,
      ...op.gget(HEAP), ...op.memorySize, ...op.const(16), ...op.shl, ...op.leU, ...op.brIf(0),
      ...op.gget(HEAP), ...op.memorySize, ...op.const(16), ...op.shl, ...op.sub, ...op.const(0xffff), ...op.add,
      ...op.const(16), ...op.shrU, ...op.memoryGrow, ...op.drop,
      ...op.end,
      ...op.get(1),
    ]],
    [0, 0, []], // opa_free: the bump allocator never frees
    // opa_json_parse(addr, len): copy the text and terminate it.
    [2, 1, [
      ...op.get(1), ...op.const(1), ...op.add, ...op.call(F.malloc), ...op.set(2),
      ...op.get(2), ...op.get(0), ...op.get(1), ...op.memoryCopy,
      ...op.get(2), ...op.get(1), ...op.add, ...op.const(0), ...op.store8(),
      ...op.get(2),
    ]],
    [1, 0, op.get(0)], // opa_json_dump: a value is its own text
    [3, 0, op.gget(HEAP)], // opa_heap_ptr_get
    [0, 0, [...op.get(0), ...op.gset(HEAP)]], // opa_heap_ptr_set
    [3, 0, op.const(builtins)], // builtins: none
    [3, 0, op.const(entrypointIds)], // entrypoints
    // opa_eval_ctx_new: {input, data, entrypoint, result}
    [3, 1, [
      ...op.const(16), ...op.call(F.malloc), ...op.set(0),
      ...[0, 4, 8, 12].flatMap((off) => [...op.get(0), ...op.const(0), ...op.store(off)]),
      ...op.get(0),
    ]],
    [4, 0, [...op.get(0), ...op.get(1), ...op.store(0)]], // opa_eval_ctx_set_input
    [4, 0, [...op.get(0), ...op.get(1), ...op.store(4)]], // opa_eval_ctx_set_data
    [4, 0, [...op.get(0), ...op.get(1), ...op.store(8)]], // opa_eval_ctx_set_entrypoint
    [1, 0, [...op.get(0), ...op.load(12)]], // opa_eval_ctx_get_result
    // eval(ctx): result = decide(entrypoint, input, strlen(input))
    [1, 1, [
      ...op.get(0), ...op.load(0), ...op.set(1),
      ...op.get(0),
      ...op.get(0), ...op.load(8),
      ...op.get(1),
      ...op.get(1), ...op.ifI32, ...op.get(1), ...op.call(F.strlen), ...op.else, ...op.const(0), ...op.end,
      ...op.call(F.decide),
      ...op.store(12),
      ...op.const(0),
    ]],
    // opa_eval(reserved, entrypoint, data, input, input_len, heap_ptr, format): the ABI 1.2 fast path.
    [5, 0, [...op.get(5), ...op.gset(HEAP), ...op.get(1), ...op.get(3), ...op.get(4), ...op.call(F.decide)]],
    // strlen(p)
    [1, 1, [
      ...op.const(0), ...op.set(1),
      ...op.block, ...op.loop,
      ...op.get(0), ...op.get(1), ...op.add, ...op.load8(), ...op.eqz, ...op.brIf(1),
      ...op.get(1), ...op.const(1), ...op.add, ...op.set(1), ...op.br(0),
      ...op.end, ...op.end,
      ...op.get(1),
    ]],
    // contains(hay, hay_len, needle, needle_len): naive substring search.
    [6, 2, [
      ...op.get(3), ...op.get(1), ...op.gtU, ...op.if, ...op.const(0), ...op.return, ...op.end,
      ...op.const(0), ...op.set(4),
      ...op.block, ...op.loop,
      ...op.get(4), ...op.get(1), ...op.get(3), ...op.sub, ...op.gtU, ...op.brIf(1),
      ...op.const(0), ...op.set(5),
      ...op.block, ...op.loop,
      ...op.get(5), ...op.get(3), ...op.eq, ...op.if, ...op.const(1), ...op.return, ...op.end,
      ...op.get(0), ...op.get(4), ...op.add, ...op.get(5), ...op.add, ...op.load8(),
      ...op.get(2), ...op.get(5), ...op.add, ...op.load8(),
      ...op.ne, ...op.brIf(1),
      ...op.get(5), ...op.const(1), ...op.add, ...op.set(5), ...op.br(0),
      ...op.end, ...op.end,
      ...op.get(4), ...op.const(1), ...op.add, ...op.set(4), ...op.br(0),
      ...op.end, ...op.end,
      ...op.const(0),
    ]],
    [7, 0, decide], // decide(entrypoint, input, len) -> address of the result-set JSON
  ];

  const exported: Array<[string, number]> = [
    ['opa_malloc', F.malloc], ['opa_free', F.free], ['opa_json_parse', F.jsonParse], ['opa_json_dump', F.jsonDump],
    ['opa_heap_ptr_get', F.heapGet], ['opa_heap_ptr_set', F.heapSet], ['builtins', F.builtins],
    ['entrypoints', F.entrypoints], ['opa_eval_ctx_new', F.ctxNew], ['opa_eval_ctx_set_input', F.ctxSetInput],
    ['opa_eval_ctx_set_data', F.ctxSetData], ['opa_eval_ctx_set_entrypoint', F.ctxSetEntrypoint],
    ['opa_eval_ctx_get_result', F.ctxGetResult], ['eval', F.eval], ['opa_eval', F.opaEval],
  ];

  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([
      [...name('env'), ...name('memory'), 0x02, 0x00, ...u32(2)],
      [...name('env'), ...name('opa_abort'), 0x00, ...u32(0)],
    ])),
    ...section(3, vec(functions.map(([type]) => u32(type)))),
    ...section(6, vec([
      [I32, 0x01, ...op.const(heapStart), ...op.end],
      [I32, 0x00, ...op.const(1), ...op.end],
      [I32, 0x00, ...op.const(minorVersion), ...op.end],
    ])),
    ...section(7, vec([
      ...exported.map(([n, f]) => [...name(n), 0x00, ...u32(f)]),
      [...name('opa_wasm_abi_version'), 0x03, ...u32(1)],
      [...name('opa_wasm_abi_minor_version'), 0x03, ...u32(2)],
    ])),
    ...section(10, vec(functions.map(([, locals, body]) => {
      const fn = [...vec(locals ? [[...u32(locals), I32]] : []), ...body, ...op.end];
      return [...u32(fn.length), ...fn];
    }))),
    ...section(11, vec([[0x00, ...op.const(base), ...op.end, ...u32(data.length), ...data]])),
  ]);
}

/** bundle.tar.gz as `opa build -t wasm` lays it out: /.manifest, /policy.wasm, /data.json. */
export function toyOpaBundle(module: Uint8Array, data: object = {}): Buffer {
  const manifest = {
    revision: 'test',
    roots: [''],
    wasm: [{ entrypoint: 'identity/user/show', module: '/policy.wasm' }],
  };
  const files: Array<[string, Buffer]> = [
    ['/.manifest', Buffer.from(JSON.stringify(manifest))],
    ['/policy.wasm', Buffer.from(module)],
    ['/data.json', Buffer.from(JSON.stringify(data))],
  ];
  const blocks: Buffer[] = [];
  for (const [path, content] of files) {
    const header = Buffer.alloc(512);
    header.write(path, 0, 100, 'utf8');
    header.write('0000644\0', 100);
    header.write('0000000\0', 108);
    header.write('0000000\0', 116);
    header.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124);
    header.write(`${Math.floor(Date.now() / 1000).toString(8).padStart(11, '0')}\0`, 136);
    header.write('        ', 148);
    header.write('0', 156);
    header.write('ustar\0', 257);
    header.write('00', 263);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(header, content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
