import { useEffect, useState } from 'react';
import { afterNextPaint } from '../lib/afterNextPaint';

/**
 * False until the frame of the component's first render has been painted, then true: for the
 * parts of a view that may follow its first screen by a frame, so that they do not delay it.
 */
export function useAfterFirstPaint(): boolean {
  const [painted, setPainted] = useState(false);
  useEffect(() => afterNextPaint(() => setPainted(true)), []);
  return painted;
}
