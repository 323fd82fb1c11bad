import http from 'node:http';
import { AddressInfo } from 'node:net';
import { compareCommits } from './backfill';
import { GithubApi } from './GithubApi';
import { startFakeGithub } from './__testUtils__/fakeGithub';

/**
 * Answers as GitHub's REST API does when it refuses a request
 * (https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api, API version
 * 2022-11-28, "Exceeding the rate limit" and "Troubleshooting"), recording what was asked.
 */
async function refusingGithub(answer: {
  status: number;
  headers: Record<string, string>;
  message: string;
}) {
  const paths: string[] = [];
  const server = http.createServer((req, res) => {
    paths.push(req.url ?? '');
    res.writeHead(answer.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-resource': 'core',
      ...answer.headers,
    });
    res.end(
      JSON.stringify({
        message: answer.message,
        documentation_url: 'https://docs.github.com/rest',
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    paths,
    close: () => new Promise<void>(resolve => server.close(() => resolve())),
  };
}

/** A client whose first wait is recorded and then given up, so that a test does not sleep. */
function clientOf(apiBaseUrl: string) {
  const waits: Array<[number, string]> = [];
  const controller = new AbortController();
  const api = new GithubApi({
    apiBaseUrl,
    headers: async () => ({ Authorization: 'Bearer t' }),
    requestsPerHour: 1000,
    etags: { get: async () => undefined, set: async () => {} },
    signal: controller.signal,
    onWait: (ms, reason) => {
      waits.push([ms, reason]);
      // After the wait has begun listening for the abort.
      setTimeout(() => controller.abort(), 0);
    },
  });
  return { api, waits };
}

describe('GithubApi', () => {
  it.each([
    [
      'a secondary limit answered 429 without Retry-After',
      429,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    ],
    [
      'a secondary limit answered 403 without Retry-After',
      403,
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
    ],
  ])('waits a minute after %s, as GitHub asks', async (_, status, message) => {
    const github = await refusingGithub({
      status,
      headers: { 'x-ratelimit-remaining': '4990' },
      message,
    });
    try {
      const { api, waits } = clientOf(github.url);
      await expect(api.get('/repos/acme/payments/deployments')).rejects.toThrow(
        'aborted while waiting for a GitHub rate limit',
      );
      expect(waits).toEqual([[60_000, `rate limited (${status})`]]);
      expect(github.paths).toHaveLength(1);
    } finally {
      await github.close();
    }
  });

  it('keeps to its pace per minute before GitHub’s secondary limit refuses it', async () => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      res.end('[]');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const waits: Array<[number, string]> = [];
      const controller = new AbortController();
      const api = new GithubApi({
        apiBaseUrl: url,
        headers: async () => ({}),
        requestsPerHour: 1000,
        requestsPerMinute: 3,
        etags: { get: async () => undefined, set: async () => {} },
        signal: controller.signal,
        onWait: (ms, reason) => {
          waits.push([ms, reason]);
          setTimeout(() => controller.abort(), 0);
        },
      });
      for (let i = 0; i < 3; i++) await api.page(`/repos/o/r/pulls?page=${i}`);
      expect(waits).toEqual([]);
      await expect(api.page('/repos/o/r/pulls?page=3')).rejects.toThrow();
      // The fourth waits until the first of the three is a minute old, and is not sent.
      expect(waits).toEqual([
        [expect.any(Number), 'pace of 3 requests per minute reached'],
      ]);
      expect(waits[0][0]).toBeGreaterThan(55_000);
      expect(waits[0][0]).toBeLessThanOrEqual(60_000);
      expect(paths).toHaveLength(3);
    } finally {
      await new Promise<void>(resolve => server.close(() => resolve()));
    }
  });

  it('waits as long as Retry-After says, when GitHub says it', async () => {
    const github = await refusingGithub({
      status: 403,
      headers: { 'x-ratelimit-remaining': '4990', 'retry-after': '7' },
      message: 'You have exceeded a secondary rate limit.',
    });
    try {
      const { api, waits } = clientOf(github.url);
      await expect(api.get('/repos/acme/payments/deployments')).rejects.toThrow(
        'aborted',
      );
      expect(waits).toEqual([[7_000, 'rate limited (403)']]);
    } finally {
      await github.close();
    }
  });

  it('does not retry a 403 that refuses access, and says what GitHub said', async () => {
    const github = await refusingGithub({
      status: 403,
      headers: { 'x-ratelimit-remaining': '4990' },
      message: 'Resource not accessible by integration',
    });
    try {
      const { api, waits } = clientOf(github.url);
      await expect(api.get('/repos/acme/payments/deployments')).rejects.toThrow(
        'GitHub answered 403 to /repos/acme/payments/deployments: Resource not accessible by integration',
      );
      expect(waits).toEqual([]);
      expect(github.paths).toHaveLength(1);
      expect(api.rateLimited).toBe(0);
    } finally {
      await github.close();
    }
  });

  it('reads every commit of a comparison of more than 250, page by page', async () => {
    const commits = Array.from({ length: 321 }, (_, i) => ({
      sha: i.toString(16).padStart(40, '0'),
      at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      message: `Change ${i}`,
      author: 'ada',
    }));
    const github = await startFakeGithub(
      { fullName: 'acme/payments', commits, deployments: [], pulls: [] },
      { token: 't' },
    );
    try {
      const { api } = clientOf(github.url);
      const path = `/repos/acme/payments/compare/${commits[0].sha}...${commits[320].sha}`;
      // Asked without paging parameters, GitHub lists 250 of the 320.
      const unpaged = await api.get<{
        total_commits: number;
        commits: unknown[];
      }>(path);
      expect(unpaged.total_commits).toBe(320);
      expect(unpaged.commits).toHaveLength(250);

      const before = github.stats.byRoute.compare;
      const comparison = await compareCommits(api, path);
      expect(comparison.commits.map(c => c.sha)).toEqual(
        commits.slice(1).map(c => c.sha),
      );
      expect(comparison.total_commits).toBe(320);
      // 100 per page: four pages.
      expect(github.stats.byRoute.compare - before).toBe(4);
    } finally {
      await github.close();
    }
  });

  it('stops a comparison whose next page links back to one already read', async () => {
    const paths: string[] = [];
    const server = http.createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(200, {
        'content-type': 'application/json; charset=utf-8',
        // The same page again, as a misbehaving proxy might answer.
        link: `<http://${req.headers.host}${req.url}>; rel="next"`,
      });
      res.end(
        JSON.stringify({ status: 'ahead', total_commits: 0, commits: [] }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    try {
      const { api } = clientOf(
        `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      );
      await expect(
        compareCommits(api, '/repos/acme/payments/compare/a...b'),
      ).rejects.toThrow(
        'GitHub linked the comparison /repos/acme/payments/compare/a...b to a page it had already given',
      );
      expect(paths).toEqual([
        '/repos/acme/payments/compare/a...b?per_page=100',
      ]);
    } finally {
      await new Promise<void>(resolve => server.close(() => resolve()));
    }
  });
});
