// Per-process cache of validated tokens, keyed by the token text. It bounds how stale a decision can be: an entry
// lives at most `ttlSeconds`, after which the token is decrypted and checked against revocation events, users,
// projects and roles again. So a revocation or role change made by either implementation is seen within ttlSeconds.
// Size-bounded with least-recently-used eviction (a Map keeps insertion order; a hit re-inserts).

export class ValidationCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly maxEntries: number,
    private readonly clock: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock()) {
      this.entries.delete(key);
      return undefined;
    }
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  set(key: string, value: V, notAfter?: Date): void {
    if (this.ttlSeconds <= 0 || this.maxEntries <= 0) return;
    const expiresAt = Math.min(this.clock() + this.ttlSeconds * 1000, notAfter?.getTime() ?? Infinity);
    this.entries.delete(key);
    this.entries.set(key, { value, expiresAt });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
