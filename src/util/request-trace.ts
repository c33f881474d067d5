/**
 * What an operator needs to follow one request through the logs: the account that served it and
 * the upstream task it ran on. The access log creates one per request; the pool fills it in as the
 * lease and the task appear. Labels and task ids only — never a secret.
 */
export interface RequestTrace {
  account: string | null;
  taskId: string | null;
}

export function newRequestTrace(): RequestTrace {
  return { account: null, taskId: null };
}
