import {
  GreenlightEvent,
  greenlightEventSchema,
} from '@greenlight/backstage-plugin-greenlight-common';
import { z } from 'zod';

/** A native event before the schema fills in its defaults. */
export type GreenlightEventInput = z.input<typeof greenlightEventSchema>;

/** What became of one foreign event. */
export type IngestOutcome =
  | { outcome: 'mapped'; events: GreenlightEvent[] }
  | { outcome: 'ignored'; reason: string }
  | { outcome: 'invalid'; path: string; message: string };

/** A native event without its id, which `finalize` assigns. */
export type EventDraft = GreenlightEventInput extends infer E
  ? E extends unknown
    ? Omit<E, 'id'>
    : never
  : never;

/** What a mapper decided, before ids are assigned and the result is validated. */
export type Translation =
  /** `id`: an idempotency key derived from the event's own content, when the source has one. */
  | { events: EventDraft[]; id?: string }
  | { ignored: string }
  | { invalid: { path: string; message: string } };

export const ignore = (reason: string): Translation => ({ ignored: reason });

export const reject = (path: string, message: string): Translation => ({
  invalid: { path, message },
});

/** Renders a zod issue path the way the native API does: `a.b.0.c`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map(String).join('.') || '(root)';
}

export function firstIssue(
  error: z.ZodError,
  prefix: string[] = [],
): { path: string; message: string } {
  const issue = error.issues[0];
  return {
    path: formatPath([...prefix, ...(issue?.path ?? [])]),
    message: issue?.message ?? 'invalid',
  };
}

/**
 * Gives each event its idempotency key and validates it against the native schema.
 *
 * The first event takes the source's own id so that redelivery of the same foreign
 * event is a no-op; further events derived from it get a stable `:<index>` suffix.
 */
export function finalize(
  baseId: string,
  translation: Translation,
  idPath = 'id',
): IngestOutcome {
  if ('ignored' in translation) {
    return { outcome: 'ignored', reason: translation.ignored };
  }
  if ('invalid' in translation) {
    return { outcome: 'invalid', ...translation.invalid };
  }
  if (translation.events.length === 0) {
    return { outcome: 'ignored', reason: 'nothing to record' };
  }
  const events: GreenlightEvent[] = [];
  const firstId = translation.id ?? baseId;
  for (const [index, draft] of translation.events.entries()) {
    const id = index === 0 ? firstId : `${firstId}:${index}`;
    const parsed = greenlightEventSchema.safeParse(
      dropUndefined({ ...draft, id }),
    );
    if (!parsed.success) {
      const { path, message } = firstIssue(parsed.error);
      return {
        outcome: 'invalid',
        path: path === 'id' ? idPath : `(mapped ${draft.type}).${path}`,
        message,
      };
    }
    events.push(parsed.data);
  }
  return { outcome: 'mapped', events };
}

/** Mappers fill optional fields freely; stored events should not carry empty keys. */
function dropUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropUndefined);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, dropUndefined(v)]),
  );
}

/** Counts outcomes, e.g. for the response of an ingestion endpoint. */
export function summarizeOutcomes(
  results: ReadonlyArray<{ outcome: IngestOutcome['outcome'] }>,
): { total: number; mapped: number; ignored: number; invalid: number } {
  const summary = { total: results.length, mapped: 0, ignored: 0, invalid: 0 };
  for (const result of results) summary[result.outcome] += 1;
  return summary;
}
