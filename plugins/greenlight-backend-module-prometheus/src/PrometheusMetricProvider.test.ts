import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusMetricProvider } from './PrometheusMetricProvider';

interface Recorded {
  method?: string;
  path?: string;
  headers: http.IncomingHttpHeaders;
  form: Record<string, string>;
}

type Reply = {
  status?: number;
  body: unknown;
  delayMs?: number;
  headers?: Record<string, string>;
};

const token = 's3cr3t-token-value';
const time = new Date('2026-01-02T10:00:00.000Z');
const timeSeconds = String(time.getTime() / 1000);

let server: http.Server;
let baseUrl: string;
let requests: Recorded[];
let reply: (request: Recorded) => Reply;

/*
 * A local server answering as Prometheus's HTTP API does (prometheus.io/docs/prometheus/latest/
 * querying/api, "Format overview" and "Expression queries", Prometheus 2.x and 3.x): form-encoded
 * POSTs to /api/v1/query and /api/v1/query_range, the `status` / `data` / `errorType` / `error`
 * envelope, 400, 422 and 503 for the errors Prometheus itself reports. Prometheus has no
 * authentication of its own: a 401 or 403 comes from whatever stands in front of it ("other
 * non-2xx codes may be returned for errors occurring before the API endpoint is reached"), so
 * the bodies of those cases are made up, to show that a secret echoed back is redacted.
 */
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const form = Object.fromEntries(new URLSearchParams(body));
      const recorded = {
        method: req.method,
        path: url.pathname,
        headers: req.headers,
        form,
      };
      requests.push(recorded);
      const {
        status = 200,
        body: answer,
        delayMs = 0,
        headers = {},
      } = reply(recorded);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(status, {
          'content-type': 'application/json',
          ...headers,
        });
        res.end(typeof answer === 'string' ? answer : JSON.stringify(answer));
      }, delayMs);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  requests = [];
});

const success = (data: unknown) => ({ body: { status: 'success', data } });
const vector = (...values: string[]) =>
  success({
    resultType: 'vector',
    result: values.map((value, i) => ({
      metric: { pod: `p${i}` },
      value: [1767348000, value],
    })),
  });

function provider(options: { timeoutMs?: number } = {}) {
  const logger = mockServices.logger.mock();
  return {
    logger,
    prometheus: new PrometheusMetricProvider({
      baseUrl,
      token,
      headers: { 'X-Scope-OrgID': 'team-a' },
      logger,
      ...options,
    }),
  };
}

describe('PrometheusMetricProvider.query', () => {
  it('posts an instant query and returns the vector samples', async () => {
    reply = () => vector('0.004', '0.002');
    const { prometheus } = provider();
    const result = await prometheus.query({
      query: 'sum(rate(errors[5m]))',
      time,
    });
    expect(result).toEqual({
      status: 'ok',
      samples: [
        { labels: { pod: 'p0' }, value: 0.004 },
        { labels: { pod: 'p1' }, value: 0.002 },
      ],
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/query',
      form: {
        query: 'sum(rate(errors[5m]))',
        time: timeSeconds,
        timeout: '5000ms',
      },
      headers: {
        authorization: `Bearer ${token}`,
        'x-scope-orgid': 'team-a',
        'content-type': 'application/x-www-form-urlencoded',
      },
    });
  });

  it('keeps a path prefix of the base URL', async () => {
    reply = () => vector('1');
    const prefixed = new PrometheusMetricProvider({
      baseUrl: `${baseUrl}/prometheus/`,
    });
    await prefixed.query({ query: 'up', time });
    expect(requests[0].path).toBe('/prometheus/api/v1/query');
    expect(requests[0].headers.authorization).toBeUndefined();
  });

  it('reads scalars', async () => {
    reply = () =>
      success({ resultType: 'scalar', result: [1767348000, '0.5'] });
    const { prometheus } = provider();
    expect(await prometheus.query({ query: 'scalar(x)', time })).toEqual({
      status: 'ok',
      samples: [{ labels: {}, value: 0.5 }],
    });
  });

  it.each([
    ['NaN', vector('NaN')],
    ['an empty vector', vector()],
    [
      'a NaN scalar',
      success({ resultType: 'scalar', result: [1767348000, 'NaN'] }),
    ],
  ])('has no data for %s', async (_, answer) => {
    reply = () => answer;
    const { prometheus } = provider();
    expect(await prometheus.query({ query: 'x', time })).toEqual({
      status: 'no-data',
    });
  });

  // ±Inf is a value: histogram_quantile answers +Inf above the top bucket.
  it.each([
    ['+Inf', Infinity],
    ['-Inf', -Infinity],
  ])('keeps %s as a value', async (text, value) => {
    reply = () => vector(text);
    const { prometheus } = provider();
    expect(await prometheus.query({ query: 'x', time })).toEqual({
      status: 'ok',
      samples: [{ labels: { pod: 'p0' }, value }],
    });
  });

  it('drops NaN samples next to real ones', async () => {
    reply = () => vector('NaN', '0.1', '+Inf');
    const { prometheus } = provider();
    expect(await prometheus.query({ query: 'x', time })).toEqual({
      status: 'ok',
      samples: [
        { labels: { pod: 'p1' }, value: 0.1 },
        { labels: { pod: 'p2' }, value: Infinity },
      ],
    });
  });

  it('flattens a range vector into one sample per point', async () => {
    reply = () =>
      success({
        resultType: 'matrix',
        result: [
          {
            metric: { pod: 'a' },
            values: [
              [1, '0.2'],
              [2, '0.3'],
            ],
          },
          {
            metric: { pod: 'b' },
            values: [
              [1, 'NaN'],
              [2, '0.25'],
            ],
          },
        ],
      });
    const { prometheus } = provider();
    const result = await prometheus.query({ query: 'latency[1m]', time });
    expect(result.status === 'ok' && result.samples.map(s => s.value)).toEqual([
      0.2, 0.3, 0.25,
    ]);
  });

  it('returns the Prometheus error message of a 400 answer, without the token', async () => {
    reply = () => ({
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error:
          'invalid parameter "query": 1:5: parse error: unexpected end of input',
      },
    });
    const { prometheus, logger } = provider();
    const result = await prometheus.query({ query: 'sum(', time });
    expect(result).toEqual({
      status: 'error',
      message:
        'Prometheus error bad_data (HTTP 400): invalid parameter "query": 1:5: parse error: unexpected end of input',
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('bad_data'),
    );
  });

  it('redacts the token should an error echo it', async () => {
    reply = recorded => ({
      status: 401,
      body: {
        status: 'error',
        errorType: 'unauthorized',
        error: `rejected ${recorded.headers.authorization}`,
      },
    });
    const { prometheus, logger } = provider();
    const result = await prometheus.query({ query: 'up', time });
    expect(JSON.stringify(result)).not.toContain(token);
    expect(result).toEqual({
      status: 'error',
      message:
        'Prometheus error unauthorized (HTTP 401): rejected Bearer [redacted]',
    });
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(token);
  });

  it('redacts configured header values should an error echo them', async () => {
    const apiKey = 'header-api-key-value';
    reply = recorded => ({
      status: 403,
      body: {
        status: 'error',
        errorType: 'forbidden',
        error: `rejected key ${recorded.headers['x-api-key']} for tenant ${recorded.headers['x-scope-orgid']}`,
      },
    });
    const logger = mockServices.logger.mock();
    const prometheus = new PrometheusMetricProvider({
      baseUrl,
      headers: { 'X-Api-Key': apiKey, 'X-Scope-OrgID': 'team-a' },
      logger,
    });
    const result = await prometheus.query({ query: 'up', time });
    expect(result).toEqual({
      status: 'error',
      message:
        'Prometheus error forbidden (HTTP 403): rejected key [redacted] for tenant [redacted]',
    });
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(apiKey);
  });

  it('reports HTTP errors without a Prometheus body', async () => {
    reply = () => ({ status: 503, body: '<html>upstream unavailable</html>' });
    const { prometheus } = provider();
    expect(await prometheus.query({ query: 'up', time })).toEqual({
      status: 'error',
      message: 'Prometheus answered HTTP 503 Service Unavailable',
    });
  });

  it('rejects a 200 answer that is not a query result', async () => {
    reply = () => ({ body: { hello: 'world' } });
    const { prometheus } = provider();
    expect(await prometheus.query({ query: 'up', time })).toMatchObject({
      status: 'error',
    });
  });

  it('times out a slow answer', async () => {
    reply = () => ({ ...vector('1'), delayMs: 1000 });
    const { prometheus } = provider({ timeoutMs: 5000 });
    const started = Date.now();
    const result = await prometheus.query({ query: 'up', time, timeoutMs: 50 });
    expect(result).toEqual({
      status: 'error',
      message: 'Prometheus did not answer within 50 ms',
    });
    expect(requests[0].form.timeout).toBe('50ms');
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('stops when the caller aborts', async () => {
    reply = () => ({ ...vector('1'), delayMs: 1000 });
    const { prometheus } = provider();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    expect(
      await prometheus.query({ query: 'up', time, signal: controller.signal }),
    ).toEqual({
      status: 'error',
      message: 'the query was aborted',
    });
  });

  it('follows no redirect, so the token and headers reach no other server', async () => {
    const apiKey = 'header-api-key-value';
    const elsewhere: http.IncomingHttpHeaders[] = [];
    const other = http.createServer((req, res) => {
      elsewhere.push(req.headers);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(vector('1').body));
    });
    await new Promise<void>(resolve => other.listen(0, '127.0.0.1', resolve));
    const target = `http://127.0.0.1:${
      (other.address() as AddressInfo).port
    }/api/v1/query`;
    // A proxy in front of Prometheus moved it: 307 keeps the method and body, as 308 does.
    reply = () => ({
      status: 307,
      headers: { location: target },
      body: 'moved',
    });
    const logger = mockServices.logger.mock();
    const prometheus = new PrometheusMetricProvider({
      baseUrl,
      token,
      headers: { 'X-Api-Key': apiKey },
      logger,
    });
    try {
      const result = await prometheus.query({ query: 'up', time });
      expect(requests).toHaveLength(1);
      expect(elsewhere).toEqual([]);
      expect(result).toEqual({
        status: 'error',
        message:
          'Prometheus answered HTTP 307 (a redirect), which is not followed so that the token and headers go nowhere else; set greenlight.metrics.prometheus.baseUrl to the address it redirects to',
      });
      const said = JSON.stringify([result, logger.warn.mock.calls]);
      expect(said).not.toContain(target);
      expect(said).not.toContain(token);
      expect(said).not.toContain(apiKey);
    } finally {
      other.closeAllConnections();
      await new Promise(resolve => other.close(resolve));
    }
  });

  it('redacts the password of a URL an error shows', async () => {
    reply = () => ({
      status: 422,
      body: {
        status: 'error',
        errorType: 'execution',
        error:
          'remote read from http://reader:hunter2-password@thanos.internal:10902/api/v1/read failed',
      },
    });
    const { prometheus, logger } = provider();
    const result = await prometheus.query({ query: 'up', time });
    expect(result).toEqual({
      status: 'error',
      message:
        'Prometheus error execution (HTTP 422): remote read from http://[redacted]@thanos.internal:10902/api/v1/read failed',
    });
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain('hunter2');
  });

  it('reports an unreachable server as an error', async () => {
    const closed = http.createServer();
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise(resolve => closed.close(resolve));
    const unreachable = new PrometheusMetricProvider({
      baseUrl: `http://127.0.0.1:${port}`,
      token,
    });
    const result = await unreachable.query({ query: 'up', time });
    expect(result).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/^Prometheus request failed/),
    });
  });
});

describe('PrometheusMetricProvider.queryRange', () => {
  const start = new Date('2026-01-02T10:00:00Z');
  const end = new Date('2026-01-02T10:02:00Z');

  it('posts a range query and keeps gaps and NaN points', async () => {
    reply = () =>
      success({
        resultType: 'matrix',
        result: [
          {
            metric: { job: 'checkout' },
            values: [
              [1767348000, '0.001'],
              [1767348060, 'NaN'],
            ],
          },
        ],
      });
    const { prometheus } = provider();
    const result = await prometheus.queryRange({
      query: 'error_ratio',
      start,
      end,
      stepSeconds: 60,
    });
    expect(result).toEqual({
      status: 'ok',
      series: [
        {
          labels: { job: 'checkout' },
          points: [
            [1767348000, 0.001],
            [1767348060, NaN],
          ],
        },
      ],
    });
    expect(requests[0]).toMatchObject({
      path: '/api/v1/query_range',
      form: {
        query: 'error_ratio',
        start: '1767348000',
        end: '1767348120',
        step: '60',
      },
    });
  });

  it('has no data for an empty matrix or one with only NaN points', async () => {
    const { prometheus } = provider();
    reply = () => success({ resultType: 'matrix', result: [] });
    expect(
      await prometheus.queryRange({ query: 'x', start, end, stepSeconds: 60 }),
    ).toEqual({ status: 'no-data' });
    reply = () =>
      success({
        resultType: 'matrix',
        result: [{ metric: {}, values: [[1767348000, 'NaN']] }],
      });
    expect(
      await prometheus.queryRange({ query: 'x', start, end, stepSeconds: 60 }),
    ).toEqual({ status: 'no-data' });
    reply = () =>
      success({
        resultType: 'matrix',
        result: [{ metric: {}, values: [[1767348000, '+Inf']] }],
      });
    expect(
      await prometheus.queryRange({ query: 'x', start, end, stepSeconds: 60 }),
    ).toEqual({
      status: 'ok',
      series: [{ labels: {}, points: [[1767348000, Infinity]] }],
    });
  });

  it('refuses a backwards range or a zero step without asking', async () => {
    const { prometheus } = provider();
    expect(
      await prometheus.queryRange({
        query: 'x',
        start: end,
        end: start,
        stepSeconds: 60,
      }),
    ).toMatchObject({
      status: 'error',
    });
    expect(
      await prometheus.queryRange({ query: 'x', start, end, stepSeconds: 0 }),
    ).toMatchObject({ status: 'error' });
    expect(requests).toHaveLength(0);
  });

  it('times out a slow range query', async () => {
    reply = () => ({
      ...success({ resultType: 'matrix', result: [] }),
      delayMs: 1000,
    });
    const { prometheus } = provider({ timeoutMs: 50 });
    expect(
      await prometheus.queryRange({ query: 'x', start, end, stepSeconds: 60 }),
    ).toEqual({
      status: 'error',
      message: 'Prometheus did not answer within 50 ms',
    });
  });
});

describe('PrometheusMetricProvider.fromConfig', () => {
  it('reads greenlight.metrics.prometheus', async () => {
    reply = () => vector('1');
    const prometheus = PrometheusMetricProvider.fromConfig(
      new ConfigReader({
        greenlight: {
          metrics: {
            prometheus: {
              baseUrl,
              token,
              timeoutMs: 1234,
              headers: { 'X-Scope-OrgID': 'team-b' },
            },
          },
        },
      }),
    );
    expect(prometheus.id).toBe('prometheus');
    await prometheus.query({ query: 'up', time });
    expect(requests[0].form.timeout).toBe('1234ms');
    expect(requests[0].headers).toMatchObject({
      authorization: `Bearer ${token}`,
      'x-scope-orgid': 'team-b',
    });
  });

  it('defaults the timeout to 5 seconds', async () => {
    reply = () => vector('1');
    const prometheus = PrometheusMetricProvider.fromConfig(
      new ConfigReader({
        greenlight: { metrics: { prometheus: { baseUrl } } },
      }),
    );
    await prometheus.query({ query: 'up', time });
    expect(requests[0].form.timeout).toBe('5000ms');
  });

  it('refuses a missing or unusable base URL', () => {
    expect(() =>
      PrometheusMetricProvider.fromConfig(new ConfigReader({})),
    ).toThrow(/greenlight\.metrics\.prometheus/);
    const bad = (value: string) =>
      PrometheusMetricProvider.fromConfig(
        new ConfigReader({
          greenlight: { metrics: { prometheus: { baseUrl: value } } },
        }),
      );
    expect(() => bad('not a url')).toThrow(/not a URL/);
    expect(() => bad('ftp://example.com')).toThrow(/http or https/);
  });

  it('refuses a base URL with a user name or password, without repeating it', async () => {
    const password = 'pr0m-basic-password';
    const withCredentials = baseUrl.replace('://', `://reader:${password}@`);
    const attempt = () =>
      PrometheusMetricProvider.fromConfig(
        new ConfigReader({
          greenlight: { metrics: { prometheus: { baseUrl: withCredentials } } },
        }),
      );
    expect(attempt).toThrow(
      'greenlight.metrics.prometheus.baseUrl must not carry a user name or password; give basic credentials as greenlight.metrics.prometheus.headers.Authorization (`Basic <base64 of user:password>`), or a bearer token as greenlight.metrics.prometheus.token',
    );
    expect(attempt).not.toThrow(password);
    expect(
      () =>
        new PrometheusMetricProvider({
          baseUrl: baseUrl.replace('://', '://reader@'),
        }),
    ).toThrow(/must not carry a user name or password/);
    expect(requests).toHaveLength(0);

    // The way the README gives instead: an Authorization header, redacted like the others.
    reply = recorded => ({
      status: 401,
      body: {
        status: 'error',
        errorType: 'unauthorized',
        error: `rejected ${recorded.headers.authorization}`,
      },
    });
    const basic = `Basic ${Buffer.from(`reader:${password}`).toString(
      'base64',
    )}`;
    const logger = mockServices.logger.mock();
    const prometheus = PrometheusMetricProvider.fromConfig(
      new ConfigReader({
        greenlight: {
          metrics: {
            prometheus: { baseUrl, headers: { Authorization: basic } },
          },
        },
      }),
      { logger },
    );
    const result = await prometheus.query({ query: 'up', time });
    expect(requests[0].headers.authorization).toBe(basic);
    expect(result).toEqual({
      status: 'error',
      message: 'Prometheus error unauthorized (HTTP 401): rejected [redacted]',
    });
    expect(JSON.stringify(logger.warn.mock.calls)).not.toContain(basic);
  });
});
