import type {
  AuditorService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import type { AuditEntry } from '../database/LedgerStore';
import { WATCHER_ACTOR } from '../rollouts/RolloutWatcher';

type AuditSink = (entry: AuditEntry) => Promise<void>;

const ROLLBACK_OUTCOMES: Record<
  string,
  { title: (entity: string) => string; severity: 'high' | 'critical' }
> = {
  'rollout.rollback.succeeded': {
    title: entity => `Greenlight rolled back ${entity}`,
    severity: 'high',
  },
  'rollout.rollback.failed': {
    title: entity => `Greenlight could not roll back ${entity}`,
    severity: 'critical',
  },
};

/** Why the rollout was rolled back (the gates' evidence, as the portal shows it), then what the executor said. */
function summaryOf(details: unknown): string | undefined {
  const d = details as Record<string, unknown> | undefined;
  const parts = ['reason', 'message', 'summary']
    .map(key => d?.[key])
    .filter((part): part is string => typeof part === 'string' && !!part);
  return parts.length ? parts.join(' · ') : undefined;
}

/**
 * Wraps the audit trail of the rollout watcher, whose decisions have no HTTP request
 * behind them: each entry is also an auditor event (`rollout-automatic-action`), and the
 * outcome of an automatic rollback is sent to the owners of the entity through the
 * notifications service. When the notifications backend is not installed, sending fails,
 * is logged and changes nothing else: the rollback and its audit entry stand.
 */
export function withWatcherEvents(
  sink: AuditSink,
  deps: {
    auditor: AuditorService;
    notifications: NotificationService;
    logger: LoggerService;
  },
): AuditSink {
  return async entry => {
    // Writes people make over HTTP are audited with their request (auditWrites.ts).
    if (entry.actor !== WATCHER_ACTOR) {
      await sink(entry);
      return;
    }
    const event = await deps.auditor.createEvent({
      eventId: 'rollout-automatic-action',
      severityLevel: entry.action.startsWith('rollout.rollback')
        ? 'high'
        : 'medium',
      meta: {
        action: entry.action,
        actor: entry.actor,
        entityRef: entry.entityRef ?? undefined,
        subject: `${entry.subjectType}:${entry.subjectId}`,
      },
    });
    try {
      await sink(entry);
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
    await event.success();

    const outcome = ROLLBACK_OUTCOMES[entry.action];
    if (!outcome || !entry.entityRef) return;
    try {
      await deps.notifications.send({
        recipients: { type: 'entity', entityRef: entry.entityRef },
        payload: {
          title: outcome.title(entry.entityRef),
          description: summaryOf(entry.details),
          severity: outcome.severity,
          topic: `greenlight:${entry.entityRef}`,
          scope: `greenlight:rollback:${entry.subjectId}`,
        },
      });
    } catch (error) {
      deps.logger.warn(
        `Owners of ${entry.entityRef} were not notified of ${entry.action}: ${error}`,
      );
    }
  };
}
