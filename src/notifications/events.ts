// Every create, update and delete emits one event shaped like py-keystone's CADF notification, through this one
// emitter. Listeners (a message bus, an audit log) subscribe; tests subscribe to see what was emitted. Emission
// never fails a request: a throwing listener is logged and skipped.
import type { AuthContext } from '../auth/context.js';
import type { Logger } from '../logger.js';

export type EventAction = 'created' | 'updated' | 'deleted' | 'disabled';

export interface IdentityEvent {
  /** e.g. identity.project.created */
  readonly eventType: string;
  readonly action: EventAction;
  /** CADF resource type, e.g. "project", "user", "role_assignment". */
  readonly resourceType: string;
  readonly resourceId: string;
  readonly outcome: 'success' | 'failure';
  readonly initiator: { readonly userId?: string; readonly projectId?: string; readonly domainId?: string };
  readonly eventTime: string;
}

export type EventListener = (event: IdentityEvent) => void;

export class EventEmitter {
  private readonly listeners = new Set<EventListener>();

  constructor(private readonly logger: Logger) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(action: EventAction, resourceType: string, resourceId: string, initiator?: AuthContext): void {
    const event: IdentityEvent = {
      eventType: `identity.${resourceType}.${action}`,
      action,
      resourceType,
      resourceId,
      outcome: 'success',
      initiator: initiatorOf(initiator),
      eventTime: new Date().toISOString(),
    };
    this.logger.debug({ event }, 'identity event');
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.error({ err, eventType: event.eventType }, 'an event listener failed');
      }
    }
  }
}

function initiatorOf(ctx: AuthContext | undefined): IdentityEvent['initiator'] {
  if (!ctx) return {};
  const scope = ctx.scope;
  return {
    userId: ctx.userId,
    ...(scope.kind === 'project' && { projectId: scope.projectId }),
    ...(scope.kind === 'domain' && { domainId: scope.domainId }),
  };
}
