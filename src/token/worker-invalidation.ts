// Keeps the validation caches of keystone-ts's worker processes in step. A revocation or a change that must be seen
// at once (a user disabled, a grant removed, ...) clears the cache of the worker that made it; this relays the
// clearing to every sibling over node:cluster's IPC channel, so the next request sees it whichever worker answers
// (Tempest revokes a token on one connection and checks it on the next). Changes written by another server on the
// shared database are still seen within the cache's bound (docs/adr/0004-token-validation-cache.md).
import type { Cluster } from 'node:cluster';
import type { TokenProvider } from './provider.js';

const KIND = 'keystone-ts:forget-validations';

interface ForgetMessage {
  readonly kind: typeof KIND;
  /** One token, or every cached validation when absent. */
  readonly tokenId?: string;
}

function isForgetMessage(message: unknown): message is ForgetMessage {
  return typeof message === 'object' && message !== null && (message as ForgetMessage).kind === KIND;
}

/** In the primary: forwards each worker's message to the other workers. */
export function relayInvalidations(cluster: Cluster): void {
  cluster.on('message', (from, message: unknown) => {
    if (!isForgetMessage(message)) return;
    for (const worker of Object.values(cluster.workers ?? {})) {
      if (worker && worker.id !== from.id && worker.isConnected()) worker.send(message);
    }
  });
}

/** In a worker: announces this worker's removals and applies the siblings'. */
export function shareInvalidations(tokens: TokenProvider, channel: NodeJS.Process = process): void {
  if (!channel.send) return;
  tokens.onForget((tokenId) => channel.send!({ kind: KIND, ...(tokenId !== undefined && { tokenId }) } satisfies ForgetMessage));
  channel.on('message', (message: unknown) => {
    if (isForgetMessage(message)) tokens.forgetFromSibling(message.tokenId);
  });
}
