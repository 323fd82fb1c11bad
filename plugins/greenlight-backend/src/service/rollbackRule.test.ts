import {
  applyRollbackRule,
  ReportedDeployment,
  RollbackRuleEffect,
} from './rollbackRule';

const A = {
  artifactDigest: 'sha256:aaa',
  version: '1.0.0',
  commitSha: 'aaaaaaa',
};
const B = {
  artifactDigest: 'sha256:bbb',
  version: '2.0.0',
  commitSha: 'bbbbbbb',
};
const C = {
  artifactDigest: 'sha256:ccc',
  version: '3.0.0',
  commitSha: 'ccccccc',
};
const NOTHING = { artifactDigest: null, version: null, commitSha: null };

/** A deployment that started at minute `at` of the day. */
function d(
  id: string,
  at: number,
  shipped: Pick<ReportedDeployment, 'artifactDigest' | 'version' | 'commitSha'>,
  extra: Partial<ReportedDeployment> = {},
): ReportedDeployment {
  return {
    id,
    status: 'succeeded',
    intent: 'planned',
    startedAt: at * 60_000,
    sortTime: at * 60_000 + 5 * 60_000,
    rollbackOf: null,
    ...shipped,
    ...extra,
  };
}
const rollback = (
  id: string,
  at: number,
  extra: Partial<ReportedDeployment> = {},
) => d(id, at, NOTHING, { intent: 'rollback', ...extra });

const effects = (deployments: ReportedDeployment[]) =>
  Object.fromEntries(applyRollbackRule(deployments));

describe('the rollback rule', () => {
  it.each<[string, ReportedDeployment[], Record<string, RollbackRuleEffect>]>([
    [
      // D1 (A) at 10:00, D2 (B) at 11:00, R at 12:00 naming nothing.
      // R undoes the deployment current at 12:00: D2. What ran before D2: D1, so R restores A.
      'a rollback that names nothing undoes the current deployment and restores the one before',
      [d('d1', 600, A), d('d2', 660, B), rollback('r', 720)],
      { r: { rollbackOf: 'd2', ...A, restoredFrom: 'd1' } },
    ],
    [
      // The canary D2 is still `started` when R begins: it is the current deployment.
      'a canary still in progress is what the rollback undoes',
      [
        d('d1', 600, A),
        d('d2', 660, B, { status: 'started' }),
        rollback('r', 720),
      ],
      {
        r: { rollbackOf: 'd2', ...A, restoredFrom: 'd1' },
        d2: { status: 'rolled-back' },
      },
    ],
    [
      // R names D2 and the version 1.0.0 only: the digest and commit come from D1.
      'fields the rollback names are kept, the others come from the restored deployment',
      [
        d('d1', 600, A),
        d('d2', 660, B),
        rollback('r', 720, { rollbackOf: 'd2', version: '1.0.0' }),
      ],
      {
        r: {
          artifactDigest: A.artifactDigest,
          commitSha: A.commitSha,
          restoredFrom: 'd1',
        },
      },
    ],
    [
      // R names digest C, which never ran before D2: it restored something else, nothing is filled.
      'a rollback that names a different artifact keeps it',
      [
        d('d1', 600, A),
        d('d2', 660, B),
        rollback('r', 720, { artifactDigest: C.artifactDigest }),
      ],
      { r: { rollbackOf: 'd2' } },
    ],
    [
      // D1 (A), D2 (B) undone by R1 (→ A), D3 (C) at 13:00 undone by R2 at 14:00.
      // Before D3 the latest succeeded deployment not undone is R1, which restored A, first shipped by D1.
      'a second rollback restores what the first one restored',
      [
        d('d1', 600, A),
        d('d2', 660, B),
        rollback('r1', 720),
        d('d3', 780, C, { status: 'started' }),
        rollback('r2', 840),
      ],
      {
        r1: { rollbackOf: 'd2', ...A, restoredFrom: 'd1' },
        r2: { rollbackOf: 'd3', ...A, restoredFrom: 'd1' },
        d3: { status: 'rolled-back' },
      },
    ],
    [
      // The watcher's executor reports R1 naming D2; the CD system reports R1' a minute later naming
      // nothing. R1' skips R1 (a rollback) and undoes D2 too, restoring A again, not B.
      'two reports of one rollback undo the same deployment',
      [
        d('d1', 600, A),
        d('d2', 660, B),
        rollback('r1', 720, { rollbackOf: 'd2' }),
        rollback('r1b', 721),
      ],
      {
        r1: { ...A, restoredFrom: 'd1' },
        r1b: { rollbackOf: 'd2', ...A, restoredFrom: 'd1' },
      },
    ],
    [
      // D2 was cancelled and never ran: the current deployment at 12:00 is D1. Before D1 nothing ran.
      'cancelled deployments are never undone; with nothing before, nothing is restored',
      [
        d('d1', 600, A),
        d('d2', 660, B, { status: 'cancelled' }),
        rollback('r', 720),
      ],
      { r: { rollbackOf: 'd1' } },
    ],
    [
      // D2 failed: it stays failed, as a succeeded deployment stays succeeded (its commits arrived); D3 failed and was never succeeded, so it is not a restore target.
      'a failed deployment stays failed, and failed deployments are never restored',
      [
        d('d1', 600, A),
        d('d3', 630, C, { status: 'failed' }),
        d('d2', 660, B, { status: 'failed' }),
        rollback('r', 720),
      ],
      { r: { rollbackOf: 'd2', ...A, restoredFrom: 'd1' } },
    ],
    [
      // R is still running: it names what it restores, but D2 is rolled back only once R succeeds.
      'a rollback that has not succeeded does not change the undone deployment',
      [
        d('d1', 600, A),
        d('d2', 660, B, { status: 'started' }),
        rollback('r', 720, { status: 'started' }),
      ],
      { r: { rollbackOf: 'd2', ...A, restoredFrom: 'd1' } },
    ],
    [
      // R names a deployment not in the ledger yet: nothing to restore from until it arrives.
      'a rollback of an unknown deployment restores nothing yet',
      [d('d1', 600, A), rollback('r', 720, { rollbackOf: 'd9' })],
      {},
    ],
    [
      // A hotfix is a new change, not a restore.
      'hotfixes and reverts are not rollbacks',
      [
        d('d1', 600, A),
        d('d2', 660, B),
        d('h', 720, NOTHING, { intent: 'hotfix' }),
        d('v', 780, C, { intent: 'revert' }),
      ],
      {},
    ],
  ])('%s', (_name, deployments, expected) => {
    expect(effects(deployments)).toEqual(expected);
  });

  it('does not depend on the order deployments are given in', () => {
    const history = [
      d('d1', 600, A),
      d('d2', 660, B),
      rollback('r1', 720),
      d('d3', 780, C, { status: 'started' }),
      rollback('r2', 840),
    ];
    const expected = effects(history);
    for (let shift = 1; shift < history.length; shift++) {
      const rotated = [...history.slice(shift), ...history.slice(0, shift)];
      expect(effects(rotated)).toEqual(expected);
      expect(effects([...rotated].reverse())).toEqual(expected);
    }
  });

  it('orders deployments without a start by their ledger time', () => {
    // D2 reports only its finish at 11:05; R starts at 12:00 and undoes it.
    const d2 = { ...d('d2', 660, B), startedAt: null };
    expect(effects([d('d1', 600, A), d2, rollback('r', 720)])).toEqual({
      r: { rollbackOf: 'd2', ...A, restoredFrom: 'd1' },
    });
  });
});
