// JSON-home (RFC draft used by Keystone for `Accept: application/json-home`): every route that keystone-ts serves
// registers its relation here, so the document lists exactly what is implemented, never more.

const REL_BASE = 'https://docs.openstack.org/api/openstack-identity/3/';

type Resource = { href: string } | { 'href-template': string; 'href-vars': Record<string, string> };

export class JsonHome {
  private readonly resources = new Map<string, Resource>();

  /** `rel` like 'rel/users' or 'ext/OS-TRUST/1.0/rel/trust'; `path` relative to /v3 with {vars}. */
  add(rel: string, path: string, vars: Record<string, string> = {}): void {
    const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
    const resource: Resource = names.length
      ? {
          'href-template': path,
          'href-vars': Object.fromEntries(names.map((n) => [n, vars[n] ?? `${REL_BASE}param/${n}`])),
        }
      : { href: path };
    this.resources.set(`${REL_BASE}${rel}`, resource);
  }

  /** The document with hrefs prefixed, '/v3' for the version document, '' for the root. */
  document(prefix: string): { resources: Record<string, Resource> } {
    const resources: Record<string, Resource> = {};
    for (const [rel, r] of this.resources) {
      resources[rel] =
        'href' in r
          ? { href: prefix + r.href }
          : { 'href-template': prefix + r['href-template'], 'href-vars': r['href-vars'] };
    }
    return { resources };
  }
}
