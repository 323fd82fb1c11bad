import { startTransition } from 'react';

/**
 * Runs `update` after the browser has painted the current frame. An interruptible update (a
 * transition) yields to whatever a person does meanwhile, but keeps yielding while other
 * updates arrive; a plain one renders at once. React 16 and 17 have no transitions: there it
 * is always a plain update, still after that frame. Returns what cancels it.
 */
export function afterNextPaint(
  update: () => void,
  options: { interruptible: boolean },
): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(() =>
      options.interruptible && typeof startTransition === 'function'
        ? startTransition(update)
        : update(),
    );
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
