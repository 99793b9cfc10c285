// The dict py-keystone (Debian-patched Zed) hands to oslo.policy for an API call: the URL arguments at the top
// level, the target under `target`, the JSON body under `request_body`, and the supported query filters under
// `filter_attr` (the last two namespaced so request input can never overwrite `target` or a URL argument).

export function policyDict(parts: {
  params?: Record<string, unknown> | undefined;
  target?: Record<string, unknown> | undefined;
  body?: unknown;
  filters?: Record<string, unknown> | undefined;
}): Record<string, unknown> {
  const dict: Record<string, unknown> = { ...parts.params };
  if (parts.target !== undefined) dict.target = parts.target;
  if (parts.body && typeof parts.body === 'object' && Object.keys(parts.body).length > 0) dict.request_body = parts.body;
  if (parts.filters && Object.keys(parts.filters).length > 0) dict.filter_attr = parts.filters;
  return dict;
}
