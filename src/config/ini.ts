// A reader for oslo.config-style INI files: `[section]`, `key = value` (or `key: value`), `#`/`;` comments,
// indented continuation lines, and repeated keys kept in order (oslo's MultiStrOpt). Section and key names are
// kept as written; oslo treats `[DEFAULT]` case-sensitively and so do we.

export type IniSections = Map<string, Map<string, string[]>>;

export class IniSyntaxError extends Error {
  override name = 'IniSyntaxError';
}

export function parseIni(text: string, source = '<string>'): IniSections {
  const sections: IniSections = new Map();
  let current: Map<string, string[]> | undefined;
  let lastValues: string[] | undefined;

  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/\s+$/, '');
    const where = `${source}:${index + 1}`;
    if (line.trim() === '' || /^\s*[#;]/.test(line)) {
      lastValues = undefined;
      return;
    }
    if (/^\s/.test(line) && lastValues !== undefined) {
      const i = lastValues.length - 1;
      lastValues[i] = `${lastValues[i]}\n${line.trim()}`;
      return;
    }
    const header = /^\[([^\]]+)\]$/.exec(line.trim());
    if (header) {
      const name = header[1]!.trim();
      current = sections.get(name) ?? new Map();
      sections.set(name, current);
      lastValues = undefined;
      return;
    }
    const pair = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line.trim());
    if (!pair) throw new IniSyntaxError(`${where}: expected "key = value", got "${line.trim()}"`);
    if (!current) throw new IniSyntaxError(`${where}: option "${pair[1]}" appears before any [section]`);
    const key = pair[1]!;
    const values = current.get(key) ?? [];
    values.push(unquote(pair[2]!));
    current.set(key, values);
    lastValues = values;
  });
  return sections;
}

function unquote(value: string): string {
  const m = /^(["'])(.*)\1$/.exec(value);
  return m ? m[2]! : value;
}
