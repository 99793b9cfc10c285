// The URL clients should use to reach this server: [DEFAULT] public_endpoint when set, else the request's own
// scheme and Host, as py-keystone derives it. Used in links, version documents and WWW-Authenticate.
import type { FastifyRequest } from 'fastify';

export function baseUrl(request: FastifyRequest, publicEndpoint: string | undefined): string {
  if (publicEndpoint) return publicEndpoint.replace(/\/+$/, '').replace(/\/v3$/, '');
  const proto = (request.headers['x-forwarded-proto'] as string | undefined)?.split(',')[0]?.trim() ?? request.protocol;
  return `${proto}://${request.headers.host ?? request.hostname}`;
}
