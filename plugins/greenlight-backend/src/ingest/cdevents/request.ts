import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import {
  attributesOf,
  CloudEventAttributes,
  dataOf,
  isCloudEventEnvelope,
  withAttributes,
} from './cloudEvents';
import { CdeventTranslation, translateCdevent } from './translate';

/** Header values as Node and Express deliver them; names in any case. */
export type HttpHeaders = Record<string, string | string[] | undefined>;

export type CdeventsRequest = {
  headers: HttpHeaders;
  /** The parsed JSON body, or the raw body as a string or Buffer. */
  body: unknown;
};

/** What became of the event at `index` in the request (0 for a single event). */
export type CdeventsResult =
  | {
      index: number;
      eventId: string;
      cdeventType: string;
      outcome: 'mapped';
      events: GreenlightEvent[];
    }
  | {
      index: number;
      eventId?: string;
      cdeventType?: string;
      outcome: 'ignored';
      reason: string;
    }
  | {
      index: number;
      eventId?: string;
      cdeventType?: string;
      outcome: 'invalid';
      path: string;
      message: string;
    };

function unwrap(
  item: unknown,
  headerAttributes: CloudEventAttributes,
): unknown {
  if (isCloudEventEnvelope(item)) {
    return withAttributes(dataOf(item), attributesOf(item));
  }
  return Object.values(headerAttributes).some(Boolean)
    ? withAttributes(item, headerAttributes)
    : item;
}

function withIndex(
  index: number,
  translation: CdeventTranslation,
): CdeventsResult {
  if (translation.outcome === 'mapped') {
    return {
      index,
      eventId: translation.eventId!,
      cdeventType: translation.cdeventType!,
      outcome: 'mapped',
      events: translation.events,
    };
  }
  return { index, ...translation };
}

const invalid = (path: string, message: string): CdeventsResult => ({
  index: 0,
  outcome: 'invalid',
  path,
  message,
});

function lowerCaseHeaders(
  headers: HttpHeaders,
): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) out[name.toLowerCase()] = first.trim();
  }
  return out;
}

const mediaType = (value?: string) =>
  value?.split(';')[0].trim().toLowerCase() || undefined;

function parseBody(
  body: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (body === undefined || body === null || body === '') {
    return { ok: false, message: 'the request has no body' };
  }
  if (typeof body !== 'string' && !Buffer.isBuffer(body))
    return { ok: true, value: body };
  try {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, message: 'the body is not valid JSON' };
  }
}

/**
 * Translates the CDEvents of one HTTP request into Greenlight events.
 *
 * Accepted forms:
 * - a CDEvent, or an array of them (`application/json`, `application/cdevents+json`);
 * - CloudEvents structured mode (`application/cloudevents+json`) and batch mode
 *   (`application/cloudevents-batch+json`), the CDEvent being each CloudEvent's data;
 * - CloudEvents binary mode (`ce-specversion`, `ce-id`, … headers): the body is the
 *   CDEvent, and headers supply any context fields it leaves out.
 */
export function parseCdeventsRequest(
  request: CdeventsRequest,
): CdeventsResult[] {
  const headers = lowerCaseHeaders(request.headers);
  const contentType = mediaType(headers['content-type']);
  if (contentType && !contentType.includes('json')) {
    return [invalid('content-type', `unsupported content type ${contentType}`)];
  }
  const body = parseBody(request.body);
  if (!body.ok) return [invalid('(body)', body.message)];

  const binary =
    headers['ce-specversion'] !== undefined &&
    !contentType?.startsWith('application/cloudevents');
  const attributes: CloudEventAttributes = binary
    ? {
        id: headers['ce-id'],
        source: headers['ce-source'],
        type: headers['ce-type'],
        time: headers['ce-time'],
        subject: headers['ce-subject'],
      }
    : {};

  // Headers describe one event; in an array each item must carry its own context.
  const items = Array.isArray(body.value) ? body.value : [body.value];
  const single = !Array.isArray(body.value);
  if (items.length === 0)
    return [invalid('(body)', 'no events in the request')];
  return items.map((item, index) =>
    withIndex(index, translateCdevent(unwrap(item, single ? attributes : {}))),
  );
}
