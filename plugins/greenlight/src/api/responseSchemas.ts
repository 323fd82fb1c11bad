import { z } from 'zod';

/*
 * What the client checks of the backend's answers before the components read them: the
 * envelopes and the fields a component cannot render without. Objects are loose, so a newer
 * backend that adds fields passes; a backend of another major version, a proxy's HTML page
 * or a truncated body fails here with a message that says so, instead of as a TypeError deep
 * in a table. The full shapes are the types in -common (see docs/api.md).
 */

const release = z.looseObject({
  id: z.string(),
  environment: z.string(),
  status: z.string(),
});

export const environmentsResponse = z.looseObject({
  environments: z.array(z.looseObject({ name: z.string() })),
});

export const releasePage = z.looseObject({
  items: z.array(release),
  nextCursor: z.string().nullish(),
});

export const releaseDetail = release;

export const changesResponse = z.looseObject({
  items: z.array(z.looseObject({ id: z.string(), kind: z.string() })),
});

export const rolloutView = z.looseObject({ id: z.string() });

export const rolloutsResponse = z.looseObject({ items: z.array(rolloutView) });

export const doraResponse = z.looseObject({ scope: z.looseObject({}) });

export const checklistResponse = z.looseObject({
  checks: z.array(z.looseObject({ id: z.string(), status: z.string() })),
});

/** The first problem of a body that does not match, as `path: message`. */
export function describeMismatch(error: z.ZodError): string {
  const issue = error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'the body';
  return `${where}: ${issue?.message ?? 'unexpected value'}`;
}
