// Every response carries x-openstack-request-id ("req-<uuid4>"), the id oslo.middleware gives each request;
// the same id tags the request's log lines.
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-openstack-request-id';

export function newRequestId(): string {
  return `req-${randomUUID()}`;
}
