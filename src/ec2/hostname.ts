// urllib.parse.urlsplit('//' + host).hostname (Python 3.11), which py-keystone uses to drop the port from the
// host of an EC2 request whose signature did not match with it: the host part of the network location,
// lower-cased, without the brackets of an IPv6 address; None (printed as "None") when it is empty.
import { malformed } from './python-values.js';

export function hostnameOf(host: string): string {
  // urlsplit removes tabs and line breaks anywhere in the URL.
  const url = `//${host}`.replace(/[\t\r\n]/g, '');
  const rest = url.slice(2);
  const end = rest.search(/[/?#]/);
  const netloc = end === -1 ? rest : rest.slice(0, end);
  if (netloc.includes('[') !== netloc.includes(']')) throw malformed('the host is not a valid IPv6 address');
  const at = netloc.lastIndexOf('@');
  const hostinfo = at === -1 ? netloc : netloc.slice(at + 1);
  let name: string;
  if (hostinfo.includes('[')) {
    const open = hostinfo.slice(hostinfo.indexOf('[') + 1);
    const close = open.indexOf(']');
    name = close === -1 ? open : open.slice(0, close);
  } else {
    const colon = hostinfo.indexOf(':');
    name = colon === -1 ? hostinfo : hostinfo.slice(0, colon);
  }
  if (name === '') return 'None';
  // An IPv6 zone (after %) keeps its case.
  const percent = name.indexOf('%');
  return percent === -1 ? name.toLowerCase() : name.slice(0, percent).toLowerCase() + name.slice(percent);
}
