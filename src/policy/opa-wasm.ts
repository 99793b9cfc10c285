// Decisions from a policy compiled to WebAssembly (`opa build -t wasm -e identity/user/show ...`), evaluated
// in-process with @open-policy-agent/opa-wasm. Each decision path is an entrypoint of the module; a path the
// bundle was not built with has no decision (403). The module runs synchronously on the event loop, so an
// evaluation cannot interleave with another; an evaluation error (opa_abort, a trap) is "OPA unavailable".
import { loadPolicy, type LoadedPolicy } from '@open-policy-agent/opa-wasm';
import { readOpaBundle } from './opa-bundle.js';
import { OpaEngine, OpaUnavailable, type OpaEngineOptions } from './opa-engine.js';

export interface OpaWasmOptions extends OpaEngineOptions {
  /** [opa] wasm_bundle: policy.wasm or bundle.tar.gz. */
  readonly bundle: string;
}

export class OpaWasmPolicyEngine extends OpaEngine {
  readonly kind = 'opa-wasm' as const;

  private constructor(
    options: OpaEngineOptions,
    private readonly entrypoints: ReadonlyMap<string, LoadedPolicy>,
  ) {
    super(options, 'opa-wasm');
  }

  static async load(options: OpaWasmOptions): Promise<OpaWasmPolicyEngine> {
    const bundle = readOpaBundle(options.bundle);
    const entrypoints = new Map<string, LoadedPolicy>();
    for (const module of bundle.modules) {
      const policy = await loadPolicy(module);
      if (bundle.data) policy.setData(bundle.data);
      for (const name of Object.keys(policy.entrypoints as Record<string, number>)) entrypoints.set(name, policy);
    }
    options.logger.info({ bundle: options.bundle, entrypoints: entrypoints.size }, 'policy: OPA WASM bundle loaded');
    return new OpaWasmPolicyEngine(options, entrypoints);
  }

  /** Decision paths the bundle can answer. */
  get paths(): string[] {
    return [...this.entrypoints.keys()];
  }

  protected async query(path: string, inputJson: string): Promise<unknown> {
    const policy = this.entrypoints.get(path);
    if (!policy) return undefined;
    let resultSet: unknown;
    try {
      resultSet = policy.evaluate(new TextEncoder().encode(inputJson).buffer, path);
    } catch (err) {
      throw new OpaUnavailable(`evaluating ${path} failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!Array.isArray(resultSet)) throw new OpaUnavailable(`evaluating ${path} gave no result set`);
    const first = resultSet[0] as { result?: unknown } | undefined;
    return first?.result;
  }

  async close(): Promise<void> {}
}
