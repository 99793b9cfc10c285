// API families py-keystone Zed serves that keystone-ts does not implement yet. They answer Keystone's 501
// NotImplemented body (not a bare 404), so a client can tell "not here yet" from "no such resource";
// docs/status.md lists them. An entry is removed when its family is implemented.
import { NotImplemented } from '../errors.js';
import type { App } from './app.js';

export const NOT_IMPLEMENTED_PREFIXES: readonly string[] = [
  '/v3/OS-FEDERATION',
  '/v3/OS-OAUTH1',
  '/v3/OS-OAUTH2',
  '/v3/auth/OS-FEDERATION',
  '/v3/users/:user_id/OS-OAUTH1',
];

export function registerNotImplemented(app: App): void {
  const handler = async () => {
    throw new NotImplemented();
  };
  for (const prefix of NOT_IMPLEMENTED_PREFIXES) {
    for (const url of [prefix, `${prefix}/*`]) {
      app.route({ method: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'], url, schema: { hide: true }, handler });
    }
  }
}
