import { render, screen } from '@testing-library/react';
import { lazy, Suspense } from 'react';
import { preloadable } from './preloadable';

const tabModule = { Tab: () => <p>the tab</p> };

/** Renders a lazy component and counts how often its fallback rendered. */
async function renderLazy(ctor: () => Promise<{ default: () => JSX.Element }>) {
  let fallbacks = 0;
  const Fallback = () => {
    fallbacks += 1;
    return <p>loading</p>;
  };
  const Lazy = lazy(ctor);
  render(
    <Suspense fallback={<Fallback />}>
      <Lazy />
    </Suspense>,
  );
  expect(await screen.findByText('the tab')).toBeInTheDocument();
  return fallbacks;
}

describe('preloadable', () => {
  it('answers like a promise before the module has arrived', async () => {
    const code = preloadable(async () => tabModule);
    let used = false;
    const answer = code.then(m => {
      used = true;
      return m;
    });
    expect(used).toBe(false);
    expect(await answer).toBe(tabModule);
    expect(used).toBe(true);
  });

  it('calls back before then returns once the module has arrived', async () => {
    const code = preloadable(async () => tabModule);
    await code.load();
    const seen: string[] = [];
    code
      .then(m => {
        seen.push('module');
        return m.Tab;
      })
      .then(tab => {
        seen.push(tab === tabModule.Tab ? 'tab' : 'other');
      });
    expect(seen).toEqual(['module', 'tab']);
  });

  it('lets a lazy component whose code was preloaded render without its fallback', async () => {
    const code = preloadable(async () => tabModule);
    await code.load();
    expect(await renderLazy(() => code.then(m => ({ default: m.Tab })))).toBe(
      0,
    );
  });

  it('is needed: a lazy component on an already resolved promise renders its fallback first', async () => {
    const resolved = Promise.resolve(tabModule);
    await resolved;
    expect(
      await renderLazy(() => resolved.then(m => ({ default: m.Tab }))),
    ).toBeGreaterThan(0);
  });

  it('loads once however often it is asked', async () => {
    const importModule = jest.fn(async () => tabModule);
    const code = preloadable(importModule);
    await code.load();
    await code.then(m => m);
    code.then(m => m);
    expect(importModule).toHaveBeenCalledTimes(1);
  });
});
