import type { LoggerService } from '@backstage/backend-plugin-api';
import type { SignalsService } from '@backstage/plugin-signals-node';
import type { AuditEntry } from '../database/LedgerStore';
import {
  EntityChangedSignal,
  EntityChangeKind,
  greenlightEntityChannel,
} from '@greenlight/backstage-plugin-greenlight-common';

/**
 * Tells open Delivery tabs that an entity's delivery data changed, through Backstage
 * signals, so they reload at once instead of at their next poll. The message names only
 * the entity and the kind of change; the page reads the data itself, with the viewer's
 * credentials and permissions. Publishing is best effort: a failure is logged and never
 * fails the write that caused it, since the pages still poll.
 */
export class EntitySignals {
  constructor(
    private readonly signals: SignalsService | undefined,
    private readonly logger: LoggerService,
  ) {}

  async changed(
    entityRefs: Iterable<string | null | undefined>,
    change: EntityChangeKind,
  ): Promise<void> {
    if (!this.signals) return;
    const unique = new Set<string>();
    for (const ref of entityRefs) if (ref) unique.add(ref);
    await Promise.all(
      [...unique].map(async entityRef => {
        const message: EntityChangedSignal = { entityRef, change };
        try {
          await this.signals!.publish({
            recipients: { type: 'broadcast' },
            channel: greenlightEntityChannel(entityRef),
            message,
          });
        } catch (e) {
          this.logger.warn(
            `Open pages of ${entityRef} were not told of a ${change} change: ${
              (e as Error).message
            }`,
          );
        }
      }),
    );
  }
}

type AuditSink = (entry: AuditEntry) => Promise<void>;

/**
 * Wraps the rollouts' audit trail: every rollout step is audited (started, watcher
 * decisions, actions people take, rollback results), so once its entry is written the
 * entity's open pages are told.
 */
export function announcingRolloutChanges(
  sink: AuditSink,
  signals: EntitySignals,
): AuditSink {
  return async entry => {
    await sink(entry);
    if (entry.action.startsWith('rollout.')) {
      await signals.changed([entry.entityRef], 'rollout');
    }
  };
}
