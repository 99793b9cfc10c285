// Per-process cache of validated tokens, keyed by the token text. It bounds how stale a decision can be: an entry
// lives at most `ttlSeconds`, after which the token is decrypted and checked against revocation events, users,
// projects and roles again. So a revocation or role change made by either implementation is seen within ttlSeconds.
// Size-bounded with least-recently-used eviction (a Map keeps insertion order; a hit re-inserts).
//
// An entry past REFRESH_AFTER of its life is still served, but reported as due for a refresh: the caller revalidates
// it in the background, so a token in steady use never waits for a miss (ADR 0004). The bound is unchanged: no
// entry is served after `ttlSeconds`.

/** Fraction of an entry's life after which it is served and refreshed in the background. */
const REFRESH_AFTER = 0.75;

export interface CacheHit<V> {
  readonly value: V;
  /** True once the entry is old enough that the caller should revalidate it in the background. */
  readonly refreshDue: boolean;
}

interface Entry<V> {
  readonly value: V;
  readonly refreshAt: number;
  readonly expiresAt: number;
}

export class ValidationCache<V> {
  private readonly entries = new Map<string, Entry<V>>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.ttlSeconds > 0 && this.maxEntries > 0;
  }

  get(key: string): CacheHit<V> | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    const now = this.clock();
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return { value: entry.value, refreshDue: entry.refreshAt <= now };
  }

  set(key: string, value: V, notAfter?: Date): void {
    if (!this.enabled) return;
    const now = this.clock();
    const expiresAt = Math.min(now + this.ttlSeconds * 1000, notAfter?.getTime() ?? Infinity);
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt, refreshAt: now + (expiresAt - now) * REFRESH_AFTER });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
