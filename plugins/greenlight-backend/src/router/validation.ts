import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** Parses request input, or throws a 400 naming every offending field. */
export function parseInput<T extends z.ZodTypeAny>(
  schema: T,
  input: unknown,
  where: string,
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const detail = result.error.issues
      .map(i => `${i.path.map(String).join('.') || where}: ${i.message}`)
      .join('; ');
    throw new InputError(`Invalid ${where}: ${detail}`);
  }
  return result.data;
}

/** A time of day without `Z` or an offset, which `Date.parse` would read in the server's zone. */
const ZONELESS_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/i;

/**
 * An instant: an ISO 8601 time with its zone (`Z` or `±hh:mm`), or a date, which is midnight
 * UTC. A time without a zone is refused rather than read in the server's zone: the same query
 * would cover other hours on another server.
 */
export const timeParam = z
  .string()
  .refine(
    v => !ZONELESS_TIME.test(v.trim()),
    'must name its time zone (Z or ±hh:mm), e.g. 2026-03-02T00:00:00Z',
  )
  .refine(v => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time')
  .transform(v => Date.parse(v));
