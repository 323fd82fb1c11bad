import { startTransition } from 'react';

/**
 * Runs `update` after the browser has painted the current frame, as an interruptible update
 * (React 16 and 17 have no transitions: there it is a plain update, still after that frame).
 * Returns what cancels it.
 */
export function afterNextPaint(update: () => void): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const frame = requestAnimationFrame(() => {
    timer = setTimeout(() =>
      typeof startTransition === 'function'
        ? startTransition(update)
        : update(),
    );
  });
  return () => {
    cancelAnimationFrame(frame);
    clearTimeout(timer);
  };
}
