// Just enough typing of the `fernet` npm package (no @types exist) for the interop test and the benchmark.
declare module 'fernet' {
  interface WordArray {
    toString(encoder?: unknown): string;
  }
  interface Secret {
    readonly signingKeyHex: string;
  }
  interface TokenOptions {
    secret?: Secret;
    token?: string;
    /** 0 disables the ttl check; the package's default is 60 seconds. */
    ttl?: number;
    /** Parsed with Date.parse. */
    time?: string;
  }
  interface Token {
    /** A string is encrypted as UTF-8; a crypto-js WordArray as raw bytes. */
    encode(message?: string | WordArray): string;
    /** Always returns the plaintext decoded as UTF-8. */
    decode(token?: string): string;
  }
  const fernet: {
    Secret: new (secret64: string) => Secret;
    Token: new (options?: TokenOptions) => Token;
    Hex: { parse(hex: string): WordArray };
  };
  export default fernet;
}
