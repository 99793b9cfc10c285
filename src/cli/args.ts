// A small argv reader for keystone-manage-style flags: `--name value`, `--name=value` and bare `--flag`.
// Unknown flags are an error naming the flag, so a typo never silently does the default thing.

export interface ParsedArgs {
  command: string | undefined;
  flags: Map<string, string | true>;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], known: ReadonlySet<string>, booleans: ReadonlySet<string>): ParsedArgs {
  const flags = new Map<string, string | true>();
  let command: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      if (command !== undefined) throw new UsageError(`unexpected argument "${arg}"`);
      command = arg;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (!known.has(name)) throw new UsageError(`unknown option --${name}`);
    if (booleans.has(name)) {
      flags.set(name, true);
    } else if (eq !== -1) {
      flags.set(name, arg.slice(eq + 1));
    } else {
      const value = argv[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      flags.set(name, value);
    }
  }
  return { command, flags };
}

export function flag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}
