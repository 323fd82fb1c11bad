/**
 * CDEvents travel inside CloudEvents (https://github.com/cdevents/spec, CloudEvents
 * binding): the CloudEvent `id`, `source`, `type`, `time` and `subject` repeat the
 * CDEvent's context id, source, type, timestamp and subject id, and the CloudEvent data
 * is the CDEvent.
 */

type Json = Record<string, unknown>;

/** CloudEvents attributes, as read from `ce-*` headers or a structured envelope. */
export type CloudEventAttributes = {
  id?: string;
  source?: string;
  type?: string;
  time?: string;
  subject?: string;
};

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown) =>
  typeof value === 'string' && value.length > 0 ? value : undefined;

/** A structured-mode CloudEvent, as opposed to a bare CDEvent. */
export function isCloudEventEnvelope(value: unknown): value is Json {
  return (
    isObject(value) &&
    !('context' in value) &&
    typeof value.specversion === 'string' &&
    ('data' in value || 'data_base64' in value)
  );
}

export function attributesOf(envelope: Json): CloudEventAttributes {
  return {
    id: text(envelope.id),
    source: text(envelope.source),
    type: text(envelope.type),
    time: text(envelope.time),
    subject: text(envelope.subject),
  };
}

/** The data of a structured CloudEvent: JSON, JSON in a string, or base64 JSON. */
export function dataOf(envelope: Json): unknown {
  if ('data_base64' in envelope && typeof envelope.data_base64 === 'string') {
    return parseJsonText(
      Buffer.from(envelope.data_base64, 'base64').toString('utf8'),
    );
  }
  const data = envelope.data;
  return typeof data === 'string' ? parseJsonText(data) : data;
}

function parseJsonText(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

/**
 * Completes a CDEvent from the CloudEvent that carried it. Producers in binary mode may
 * send only the subject (and customData), leaving the context to the headers, or even
 * the bare subject. Where both say something, the CDEvent wins: its id stays stable
 * when a broker re-stamps the CloudEvent, which is what idempotency needs.
 */
export function withAttributes(
  data: unknown,
  attributes: CloudEventAttributes,
): unknown {
  if (!isObject(data)) return data;
  const hasEnvelope = 'context' in data || 'subject' in data;
  const cdevent: Json = hasEnvelope ? { ...data } : { subject: data };
  const context: Json = isObject(cdevent.context) ? { ...cdevent.context } : {};
  const fill = (key: string, value?: string) => {
    if (context[key] === undefined && value !== undefined) context[key] = value;
  };
  fill('id', attributes.id);
  fill('source', attributes.source);
  fill('type', attributes.type);
  fill('timestamp', attributes.time);
  if (cdevent.context === undefined || isObject(cdevent.context)) {
    cdevent.context = context;
  }
  if (
    isObject(cdevent.subject) &&
    cdevent.subject.id === undefined &&
    attributes.subject
  ) {
    cdevent.subject = { ...cdevent.subject, id: attributes.subject };
  }
  return cdevent;
}
