import { z } from 'zod';

/** `dev.cdevents.<subject>.<predicate>.<version>`, e.g. `dev.cdevents.service.deployed.0.3.0`. */
const CDEVENT_TYPE =
  /^dev\.cdevents\.([a-z][a-z0-9]*)\.([a-z][a-z0-9]*)\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;

/**
 * The parts of a CDEvent every event type shares. Only what Greenlight relies on is
 * checked; anything else (links, chainId, schemaUri, …) passes untouched so that events
 * from newer producers are not rejected for fields this version does not know.
 */
export const cdeventEnvelopeSchema = z.object({
  context: z.object({
    id: z.string().min(1),
    type: z
      .string()
      .regex(
        CDEVENT_TYPE,
        'must be dev.cdevents.<subject>.<predicate>.<version>',
      ),
    source: z.string().min(1),
    timestamp: z.iso.datetime({
      offset: true,
      error: 'must be an RFC 3339 timestamp with a time zone',
    }),
    version: z.string().optional(),
    specversion: z.string().optional(),
  }),
  subject: z.object({
    id: z.string().min(1),
    source: z.string().optional(),
    content: z.record(z.string(), z.unknown()),
  }),
  customData: z.unknown().optional(),
});

export type CdeventEnvelope = z.infer<typeof cdeventEnvelopeSchema>;

/** `service.deployed` for `dev.cdevents.service.deployed.0.3.0`. */
export function subjectPredicate(type: string): string {
  const match = CDEVENT_TYPE.exec(type);
  return match ? `${match[1]}.${match[2]}` : type;
}
