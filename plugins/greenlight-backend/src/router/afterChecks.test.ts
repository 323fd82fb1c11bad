import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { afterChecks } from './access';

/** A promise settled by the test, to order what happens. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('afterChecks', () => {
  it('starts the work at once and answers it only once every check passed', async () => {
    const permission = deferred();
    const catalog = deferred();
    let started = false;
    const answer = afterChecks(
      [permission.promise, catalog.promise],
      async () => {
        started = true;
        return 'page';
      },
    );
    let answered = false;
    answer.then(() => {
      answered = true;
    });
    await new Promise(setImmediate);
    expect(started).toBe(true);
    catalog.resolve();
    await new Promise(setImmediate);
    expect(answered).toBe(false);
    permission.resolve();
    await expect(answer).resolves.toBe('page');
  });

  it('answers the first refused check in order, whichever refused first and whatever the work did', async () => {
    const permission = deferred();
    const catalog = deferred();
    const answer = afterChecks(
      [permission.promise, catalog.promise],
      async () => {
        throw new Error('the query failed');
      },
    );
    catalog.reject(
      new NotFoundError('No entity component:default/ghost is visible to you'),
    );
    await new Promise(setImmediate);
    permission.reject(
      new NotAllowedError('Missing permission greenlight.release.read'),
    );
    await expect(answer).rejects.toThrow(
      'Missing permission greenlight.release.read',
    );
  });

  it('answers a later check’s refusal when the earlier ones passed, then the work’s own error', async () => {
    await expect(
      afterChecks(
        [Promise.resolve(), Promise.reject(new NotFoundError('not visible'))],
        async () => 'page',
      ),
    ).rejects.toThrow('not visible');
    await expect(
      afterChecks([Promise.resolve(), Promise.resolve()], async () => {
        throw new Error('the query failed');
      }),
    ).rejects.toThrow('the query failed');
  });

  it('answers a refused check, not an unhandled rejection, when the work throws before it is a promise', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      await expect(
        afterChecks(
          [Promise.reject(new NotAllowedError('Missing permission'))],
          () => {
            throw new Error('thrown at once');
          },
        ),
      ).rejects.toThrow('Missing permission');
      await new Promise(setImmediate);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
