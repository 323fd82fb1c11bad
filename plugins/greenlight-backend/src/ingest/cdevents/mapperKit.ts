import { z } from 'zod';
import { firstIssue, Translation } from '../outcome';
import { PackageUrl, parsePurl } from '../purl';
import { GreenlightHints } from './customData';
import { CdeventEnvelope } from './envelope';
import { SpecVersion } from './specVersions';

export type MapperInput = {
  event: CdeventEnvelope;
  version: SpecVersion | undefined;
  hints: GreenlightHints;
};

export type Mapper = (input: MapperInput) => Translation;

/** Validates the part of `subject.content` a mapper reads, reporting paths from the event root. */
export function readContent<S extends z.ZodType>(
  schema: S,
  event: CdeventEnvelope,
): { ok: true; content: z.infer<S> } | { ok: false; translation: Translation } {
  const parsed = schema.safeParse(event.subject.content);
  if (parsed.success) return { ok: true, content: parsed.data };
  return {
    ok: false,
    translation: { invalid: firstIssue(parsed.error, ['subject', 'content']) },
  };
}

/** `{ id, source? }` references to other subjects (environment, service, repository, …). */
export const reference = z.object({
  id: z.string().min(1),
  source: z.string().optional(),
});

export function subjectFields(
  hints: GreenlightHints,
  fields: { serviceId?: string; purl?: PackageUrl; repository?: string },
) {
  return {
    entityRef: hints.entityRef,
    serviceId: fields.serviceId,
    artifactPurl: fields.purl?.unversioned,
    repository: fields.repository,
  };
}

export const optionalPurl = (id: string | undefined) =>
  id ? parsePurl(id) : undefined;

/** Only absolute URLs survive: the native schema rejects relative ones. */
export function absoluteUrl(value: string | undefined): string | undefined {
  return value && z.url().safeParse(value).success ? value : undefined;
}
