import { findUnsafeInput, MAX_JSON_DEPTH } from './safeInput';

describe('findUnsafeInput', () => {
  it('accepts a batch of ordinary events', () => {
    const events = Array.from({ length: 50 }, (_, i) => ({
      id: `e-${i}`,
      type: 'deployment.finished',
      deployment: {
        id: `d-${i}`,
        notes: 'line one\nline two\ttabbed 🚀',
        tags: ['a', 'b'],
      },
    }));
    expect(findUnsafeInput({ events }, 'body')).toBeUndefined();
  });

  it('names the path of a refused string, array indices included', () => {
    const body = {
      events: [
        { id: 'ok' },
        { id: 'ok', deployment: { notes: ['fine', 'bad\u0000'] } },
      ],
    };
    expect(findUnsafeInput(body, 'body')).toEqual({
      path: 'body.events.1.deployment.notes.1',
      message: 'must not contain control characters',
    });
  });

  it('names the object that holds a refused key, without repeating the key', () => {
    const body = { events: [{ labels: { 'team\u202Eevil': 'x' } }] };
    expect(findUnsafeInput(body, 'body')).toEqual({
      path: 'body.events.0.labels key',
      message: 'must not contain bidirectional override or isolate characters',
    });
  });

  it('stops at the nesting limit and names where', () => {
    let deep: unknown = 'leaf';
    for (let i = 0; i < MAX_JSON_DEPTH + 5; i++) deep = { n: deep };
    const found = findUnsafeInput(deep, 'body');
    expect(found?.message).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(found?.path).toBe(
      ['body', ...Array(MAX_JSON_DEPTH).fill('n')].join('.'),
    );
  });
});
