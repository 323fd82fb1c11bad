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

export const timeParam = z
  .string()
  .refine(v => !Number.isNaN(Date.parse(v)), 'must be an ISO 8601 time')
  .transform(v => Date.parse(v));
