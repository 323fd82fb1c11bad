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

/**
 * ISO 8601 as the API takes it: a date (`2026-03-02`), or a date and time of day with its zone
 * (`Z` or `±hh:mm`, `±hhmm`). Anything else `Date.parse` accepts (a time without a zone,
 * `2026-3-2`, `March 2, 2026`) it reads in the server's zone.
 */
const ISO_INSTANT =
  /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2}))?$/;

/**
 * An instant: an ISO 8601 time with its zone, or a date, which is midnight UTC. A time without
 * a zone is refused rather than read in the server's zone: the same query would cover other
 * hours on another server.
 */
export const timeParam = z
  .string()
  .refine(v => ISO_INSTANT.test(v.trim()), {
    message:
      'must be an ISO 8601 date, or a time with its zone (Z or ±hh:mm), e.g. 2026-03-02T00:00:00Z',
    abort: true,
  })
  .refine(v => !Number.isNaN(Date.parse(v)), 'must be a valid date')
  .transform(v => Date.parse(v));
