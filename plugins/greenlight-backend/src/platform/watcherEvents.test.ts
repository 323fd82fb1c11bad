import { mockServices } from '@backstage/backend-test-utils';
import type { AuditEntry } from '../database/LedgerStore';
import { WATCHER_ACTOR } from '../rollouts/RolloutWatcher';
import { withWatcherEvents } from './watcherEvents';

function setup(options: { sendFails?: boolean; sinkFails?: boolean } = {}) {
  const written: AuditEntry[] = [];
  const success = jest.fn(async () => {});
  const fail = jest.fn(async () => {});
  const auditor = mockServices.auditor.mock({
    createEvent: jest.fn(async () => ({ success, fail })),
  });
  const send = jest.fn(async () => {
    if (options.sendFails) throw new Error('connect ECONNREFUSED');
  });
  const logger = mockServices.logger.mock();
  const audit = withWatcherEvents(
    async entry => {
      if (options.sinkFails) throw new Error('database is gone');
      written.push(entry);
    },
    { auditor, notifications: { send }, logger },
  );
  return { audit, written, auditor, success, fail, send, logger };
}

const rollback = (outcome: 'succeeded' | 'failed'): AuditEntry => ({
  actor: WATCHER_ACTOR,
  action: `rollout.rollback.${outcome}`,
  subjectType: 'deployment',
  subjectId: 'd-42',
  entityRef: 'component:default/checkout',
  details: { rolloutId: 'r-1', message: 'error rate 31% over 5%' },
});

describe('events of the rollout watcher', () => {
  it('writes the audit entry, emits an auditor event and tells the owners of a failed rollback', async () => {
    const { audit, written, auditor, success, send } = setup();
    await audit(rollback('failed'));

    expect(written).toEqual([rollback('failed')]);
    expect(auditor.createEvent).toHaveBeenCalledWith({
      eventId: 'rollout-automatic-action',
      severityLevel: 'high',
      meta: {
        action: 'rollout.rollback.failed',
        actor: WATCHER_ACTOR,
        entityRef: 'component:default/checkout',
        subject: 'deployment:d-42',
      },
    });
    expect(success).toHaveBeenCalled();
    expect(send).toHaveBeenCalledWith({
      recipients: { type: 'entity', entityRef: 'component:default/checkout' },
      payload: expect.objectContaining({
        title: 'Greenlight could not roll back component:default/checkout',
        description: 'error rate 31% over 5%',
        severity: 'critical',
      }),
    });
  });

  it('tells the owners why the rollout was rolled back, then what the executor said', async () => {
    const { audit, send } = setup();
    await audit({
      ...rollback('succeeded'),
      details: {
        rolloutId: 'r-1',
        reason:
          'checkout/error-ratio: 2 consecutive evaluations failed (last: 8.3% is above the 2% limit)',
        message: 'pipeline 42 started',
      },
    });
    expect(send).toHaveBeenCalledWith(
      expect.objectContaining({
        payload: expect.objectContaining({
          description:
            'checkout/error-ratio: 2 consecutive evaluations failed (last: 8.3% is above the 2% limit) · pipeline 42 started',
        }),
      }),
    );
  });

  it('tells the owners of a successful rollback too, but not of other decisions', async () => {
    const { audit, send } = setup();
    await audit(rollback('succeeded'));
    await audit({ ...rollback('succeeded'), action: 'rollout.promoted' });
    expect(send).toHaveBeenCalledTimes(1);
    expect(send.mock.calls[0]).toEqual([
      expect.objectContaining({
        payload: expect.objectContaining({ severity: 'high' }),
      }),
    ]);
  });

  it('keeps the rollback when notifications cannot be sent, and says so in the log', async () => {
    const { audit, written, logger } = setup({ sendFails: true });
    await expect(audit(rollback('failed'))).resolves.toBeUndefined();
    expect(written).toHaveLength(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('were not notified of rollout.rollback.failed'),
    );
  });

  it('marks the auditor event failed when the audit entry cannot be written', async () => {
    const { audit, fail, send } = setup({ sinkFails: true });
    await expect(audit(rollback('failed'))).rejects.toThrow('database is gone');
    expect(fail).toHaveBeenCalledWith({ error: new Error('database is gone') });
    expect(send).not.toHaveBeenCalled();
  });

  it('leaves entries people made to the HTTP audit', async () => {
    const { audit, written, auditor } = setup();
    await audit({ ...rollback('succeeded'), actor: 'user:default/ada' });
    expect(written).toHaveLength(1);
    expect(auditor.createEvent).not.toHaveBeenCalled();
  });
});
