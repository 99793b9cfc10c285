// The OPA WASM engine, loading a module that the test assembles itself and that honours OPA's WASM ABI
// (helpers/opa-wasm-module.ts). Its toy policy decides inside WebAssembly from the input bytes:
//   identity/user/show   allows when the input mentions "admin" (the role), else a violation
//   identity/user/list   allows when the input has "system":"all"
//   identity/user/delete aborts (opa_abort), as a policy error would
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { configSchema } from '../../src/config/schema.js';
import { buildPolicyCredentials } from '../../src/policy/credentials.js';
import { createPolicyEngine, PolicyCounters } from '../../src/policy/engine.js';
import { OpaWasmPolicyEngine } from '../../src/policy/opa-wasm.js';
import { captureLog } from './helpers/log-capture.js';
import { IDS, PERSONAS } from './helpers/matrix.js';
import { toyOpaBundle, toyOpaModule, type ToyEntrypoint } from './helpers/opa-wasm-module.js';

const ENTRYPOINTS: ToyEntrypoint[] = [
  { name: 'identity/user/show', allowIfInputContains: '"admin"', violation: { field: 'roles', msg: 'showing a user requires the admin role.' } },
  { name: 'identity/user/list', allowIfInputContains: '"system":"all"', violation: { field: 'system', msg: 'listing users requires system scope.' } },
  { name: 'identity/user/delete', abort: 'boom: policy error' },
];

const config = configSchema.parse({});
const creds = (persona: string) => buildPolicyCredentials(PERSONAS.find(([name]) => name === persona)![1], config);
const getUser = { user_id: IDS.user, target: { user: { id: IDS.user, domain_id: IDS.domain } } };

// The tsconfig's libs carry no WebAssembly declarations; this is the part of the global the test uses.
interface WasmModuleApi {
  new (bytes: Uint8Array): object;
  exports(module: object): Array<{ name: string }>;
  imports(module: object): Array<{ module: string; name: string }>;
}
const { Module: WasmModule } = (globalThis as unknown as { WebAssembly: { Module: WasmModuleApi } }).WebAssembly;

function writeTemp(t: { teardown(fn: () => void): void }, fileName: string, content: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'kts-wasm-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, fileName);
  writeFileSync(file, content);
  return file;
}

t.test('the assembled module is valid WebAssembly exporting the OPA ABI', async (t) => {
  const module = new WasmModule(toyOpaModule(ENTRYPOINTS));
  const exports = WasmModule.exports(module).map((e) => e.name);
  for (const name of ['opa_malloc', 'opa_json_parse', 'opa_json_dump', 'opa_heap_ptr_get', 'opa_heap_ptr_set', 'builtins',
    'entrypoints', 'opa_eval_ctx_new', 'opa_eval_ctx_set_input', 'opa_eval_ctx_set_data', 'opa_eval_ctx_set_entrypoint',
    'opa_eval_ctx_get_result', 'eval', 'opa_eval', 'opa_wasm_abi_version', 'opa_wasm_abi_minor_version']) {
    t.ok(exports.includes(name), name);
  }
  t.strictSame(WasmModule.imports(module).map((i) => `${i.module}.${i.name}`), ['env.memory', 'env.opa_abort']);
});

for (const minor of [1, 2] as const) {
  t.test(`[opa] wasm_bundle policy.wasm decides inside the module (ABI 1.${minor})`, async (t) => {
    const file = writeTemp(t, 'policy.wasm', toyOpaModule(ENTRYPOINTS, minor));
    const engine = await createPolicyEngine(configSchema.parse({ opa: { wasm_bundle: file } }), captureLog('silent').logger);
    t.equal(engine.kind, 'opa-wasm');
    await t.resolves(engine.enforce('identity:get_user', creds('project admin'), getUser));
    await t.rejects(engine.enforce('identity:get_user', creds('project reader'), getUser), {
      code: 403,
      message: 'You are not authorized to perform the requested action: identity:get_user. showing a user requires the admin role.',
      violations: [{ field: 'roles', msg: 'showing a user requires the admin role.' }],
    });
    await t.resolves(engine.enforce('identity:list_users', creds('system reader'), {}));
    await t.rejects(engine.enforce('identity:list_users', creds('project admin'), {}), { code: 403 });
    // Many evaluations in a row: the heap is reset between them and memory does not run out.
    for (let i = 0; i < 500; i++) await engine.enforce('identity:get_user', creds('system admin'), { ...getUser, n: 'x'.repeat(i) });
  });
}

t.test('bundle.tar.gz from opa build is read: module listed in the manifest, data.json loaded', async (t) => {
  const file = writeTemp(t, 'bundle.tar.gz', toyOpaBundle(toyOpaModule(ENTRYPOINTS), { keystone: { admin_roles: ['admin'] } }));
  const engine = await OpaWasmPolicyEngine.load({ bundle: file, logger: captureLog('silent').logger });
  t.strictSame(engine.paths.sort(), ['identity/user/delete', 'identity/user/list', 'identity/user/show']);
  await t.resolves(engine.enforce('identity:get_user', creds('domain admin'), getUser));
  await t.rejects(engine.enforce('identity:get_user', creds('domain reader'), getUser), { code: 403 });
});

t.test('a policy that aborts fails closed with 503 and logs why', async (t) => {
  const file = writeTemp(t, 'policy.wasm', toyOpaModule(ENTRYPOINTS));
  const log = captureLog('info');
  const counters = new PolicyCounters();
  const engine = await OpaWasmPolicyEngine.load({ bundle: file, logger: log.logger, onDecision: counters.observe });
  await t.rejects(engine.enforce('identity:delete_user', creds('system admin'), getUser), { code: 503 });
  t.match(log.find('OPA unavailable')[0], { engine: 'opa-wasm', err: /boom: policy error/ });
  t.equal(counters.total.unavailable, 1);
  await t.resolves(engine.enforce('identity:get_user', creds('system admin'), getUser), 'the module still answers afterwards');
});

t.test('a decision path the bundle was not built with is denied (403) with a warning', async (t) => {
  const file = writeTemp(t, 'policy.wasm', toyOpaModule(ENTRYPOINTS));
  const log = captureLog('warn');
  const engine = await OpaWasmPolicyEngine.load({ bundle: file, logger: log.logger });
  await t.rejects(engine.enforce('identity:create_user', creds('system admin'), {}), { code: 403 });
  t.match(log.find('no decision at this path')[0], { path: 'identity/user/create' });
});

t.test('a file that is neither a module nor a bundle is refused at load', async (t) => {
  const file = writeTemp(t, 'policy.wasm', Buffer.from('not wasm'));
  await t.rejects(OpaWasmPolicyEngine.load({ bundle: file, logger: captureLog('silent').logger }), {
    message: /neither a WebAssembly module nor a gzipped bundle/,
  });
});

t.test('[opa] url and [opa] wasm_bundle together are refused', async (t) => {
  const conf = configSchema.parse({ opa: { url: 'http://127.0.0.1:8181', wasm_bundle: '/x/policy.wasm' } });
  await t.rejects(createPolicyEngine(conf, captureLog('silent').logger), { message: /both set/ });
});
