import { greenlightEventSchema } from '@greenlight/backstage-plugin-greenlight-common';
import fc from 'fast-check';
import { summarizeOutcomes } from '../outcome';
import { loadFixture, OCI_DIGEST } from './__testUtils__/fixtures';
import { parseCdeventsRequest } from './request';

const deployed = () => loadFixture('v0.5.1', 'service_deployed');
const EVENT_ID = '271069a8-fc18-44f1-b38f-9d70a1695819';

const ceHeaders = (event: any) => ({
  'ce-specversion': '1.0',
  'ce-id': event.context.id,
  'ce-type': event.context.type,
  'ce-source': event.context.source,
  'ce-time': event.context.timestamp,
  'ce-subject': event.subject.id,
});

describe('parseCdeventsRequest, structured mode', () => {
  it('translates an array, reporting each event at its index', () => {
    const invalid = deployed();
    delete invalid.context.timestamp;
    const results = parseCdeventsRequest({
      headers: { 'content-type': 'application/json' },
      body: [deployed(), invalid, loadFixture('v0.4.1', 'branch_created')],
    });
    expect(results).toEqual([
      expect.objectContaining({
        index: 0,
        outcome: 'mapped',
        eventId: EVENT_ID,
      }),
      {
        index: 1,
        outcome: 'invalid',
        eventId: EVENT_ID,
        cdeventType: 'dev.cdevents.service.deployed.0.3.0',
        path: 'context.timestamp',
        message: expect.any(String),
      },
      expect.objectContaining({ index: 2, outcome: 'ignored' }),
    ]);
    expect(summarizeOutcomes(results)).toEqual({
      total: 3,
      mapped: 1,
      ignored: 1,
      invalid: 1,
    });
  });

  it('unwraps CloudEvents in structured mode', () => {
    const cdevent = deployed();
    const [result] = parseCdeventsRequest({
      headers: {
        'content-type': 'application/cloudevents+json; charset=utf-8',
      },
      body: { specversion: '1.0', ...ceHeaders(cdevent), data: cdevent },
    });
    expect(result).toMatchObject({ outcome: 'mapped', eventId: EVENT_ID });
  });

  it('unwraps a CloudEvents batch, with data as JSON text or base64', () => {
    const cdevent = deployed();
    const envelope = {
      specversion: '1.0',
      id: 'ce-1',
      type: 'x',
      source: '/s',
    };
    const results = parseCdeventsRequest({
      headers: { 'content-type': 'application/cloudevents-batch+json' },
      body: [
        { ...envelope, data: JSON.stringify(cdevent) },
        {
          ...envelope,
          data_base64: Buffer.from(JSON.stringify(cdevent)).toString('base64'),
        },
      ],
    });
    expect(results.map(r => r.outcome)).toEqual(['mapped', 'mapped']);
  });

  it('parses a raw body', () => {
    const [result] = parseCdeventsRequest({
      headers: { 'Content-Type': 'application/cdevents+json' },
      body: Buffer.from(JSON.stringify(deployed())),
    });
    expect(result.outcome).toBe('mapped');
  });
});

describe('parseCdeventsRequest, binary mode', () => {
  it('reads a CDEvent body sent with ce-* headers', () => {
    const cdevent = deployed();
    const [result] = parseCdeventsRequest({
      headers: { ...ceHeaders(cdevent), 'content-type': 'application/json' },
      body: cdevent,
    });
    expect(result).toMatchObject({
      outcome: 'mapped',
      eventId: EVENT_ID,
      cdeventType: 'dev.cdevents.service.deployed.0.3.0',
    });
  });

  it('takes the context from headers when the body carries only the subject', () => {
    const { context, subject } = deployed();
    const headers = {
      ...ceHeaders({ context, subject }),
      'CE-ID': ['from-header'],
      'content-type': 'application/json',
    };
    delete (headers as Record<string, unknown>)['ce-id'];
    const withSubjectKey = parseCdeventsRequest({ headers, body: { subject } });
    const bareSubject = parseCdeventsRequest({
      headers,
      body: { ...subject, id: undefined },
    });
    for (const [result] of [withSubjectKey, bareSubject]) {
      if (result.outcome !== 'mapped') throw new Error(JSON.stringify(result));
      expect(result.eventId).toBe('from-header');
      expect(result.events[0]).toMatchObject({
        id: `from-header@${context.source}`,
        time: context.timestamp,
        serviceId: subject.id,
        deployment: { artifactDigest: OCI_DIGEST },
      });
    }
  });

  it('prefers the CDEvent context over re-stamped headers', () => {
    const cdevent = deployed();
    const [result] = parseCdeventsRequest({
      headers: { ...ceHeaders(cdevent), 'ce-id': 'broker-assigned' },
      body: cdevent,
    });
    expect(result).toMatchObject({ eventId: EVENT_ID });
  });

  it('reports a header-built event missing context fields', () => {
    const { subject } = deployed();
    const [result] = parseCdeventsRequest({
      headers: { 'ce-specversion': '1.0', 'ce-id': 'x1', 'ce-source': '/s' },
      body: { subject },
    });
    expect(result).toMatchObject({ outcome: 'invalid', path: 'context.type' });
  });
});

describe('parseCdeventsRequest, invalid input', () => {
  it.each([
    ['context.id', (e: any) => delete e.context.id],
    ['context.type', (e: any) => (e.context.type = 'com.example.deployed')],
    ['context.source', (e: any) => (e.context.source = '')],
    [
      'context.timestamp',
      (e: any) => (e.context.timestamp = '2023-03-20 14:27'),
    ],
    ['subject.id', (e: any) => delete e.subject.id],
    ['subject.content', (e: any) => delete e.subject.content],
    ['subject', (e: any) => delete e.subject],
  ])('reports %s', (path, breakIt) => {
    const event = deployed();
    breakIt(event);
    const [result] = parseCdeventsRequest({ headers: {}, body: event });
    expect(result).toMatchObject({
      outcome: 'invalid',
      path,
      message: expect.any(String),
    });
  });

  it('hashes an identity too long for a native event id, still per source', () => {
    const event = deployed();
    event.context.id = 'x'.repeat(201);
    const other = JSON.parse(JSON.stringify(event));
    other.context.source = '/another/producer';
    const [a, b] = parseCdeventsRequest({ headers: {}, body: [event, other] });
    if (a.outcome !== 'mapped' || b.outcome !== 'mapped')
      throw new Error(JSON.stringify([a, b]));
    expect(a.events[0].id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(b.events[0].id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(a.events[0].id).not.toBe(b.events[0].id);
  });

  it.each([
    [{ 'content-type': 'text/plain' }, 'hello', 'content-type'],
    [{}, '{not json', '(body)'],
    [{}, undefined, '(body)'],
    [{}, [], '(body)'],
  ])('rejects a request with headers %j and body %j', (headers, body, path) => {
    expect(parseCdeventsRequest({ headers, body })).toEqual([
      { index: 0, outcome: 'invalid', path, message: expect.any(String) },
    ]);
  });

  it('never throws, and only emits valid native events, whatever the body', () => {
    const cdeventLike = fc.record({
      context: fc.record(
        {
          id: fc.string(),
          type: fc.constantFrom(
            'dev.cdevents.service.deployed.0.3.0',
            'dev.cdevents.artifact.signed.0.2.0',
            'dev.cdevents.build.finished.0.3.0',
            'dev.cdevents.testsuiterun.finished.0.3.0',
            'dev.cdevents.incident.detected.0.3.0',
            'dev.cdevents.change.merged.0.3.0',
            'dev.cdevents.pipelinerun.finished.0.3.0',
          ),
          source: fc.string(),
          timestamp: fc.constantFrom('2024-01-01T00:00:00Z', 'yesterday'),
        },
        { requiredKeys: [] },
      ),
      subject: fc.record(
        {
          id: fc.string(),
          content: fc.dictionary(fc.string(), fc.jsonValue()),
        },
        { requiredKeys: [] },
      ),
      customData: fc.jsonValue(),
    });
    fc.assert(
      fc.property(
        fc.oneof(fc.jsonValue(), cdeventLike, fc.array(cdeventLike)),
        body => {
          const results = parseCdeventsRequest({ headers: {}, body });
          for (const result of results) {
            expect(['mapped', 'ignored', 'invalid']).toContain(result.outcome);
            if (result.outcome === 'mapped') {
              for (const event of result.events)
                greenlightEventSchema.parse(event);
            }
          }
        },
      ),
    );
  });
});
