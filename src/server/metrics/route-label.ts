const KNOWN = new Set([
  '/health',
  '/metrics',
  '/v1/models',
  '/v1/chat/completions',
  '/v1/responses',
  '/v1/messages',
  '/v1/messages/count_tokens',
  '/admin/session',
  '/admin/discover',
  '/admin/refresh-models',
  '/admin/pool/status',
  '/admin/pool/refresh',
  '/admin/accounts',
]);

/** A bounded-cardinality route label for a request path: the route template, or `other`. */
export function routeLabel(path: string): string {
  const bare = path.split('?')[0] ?? '';
  if (KNOWN.has(bare)) return bare;
  if (/^\/v1\/responses\/[^/]+$/.test(bare)) return '/v1/responses/:id';
  if (/^\/admin\/accounts\/[^/]+$/.test(bare)) return '/admin/accounts/:id';
  return 'other';
}
