import { createHash } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A local server that answers like GitHub's REST API (version 2022-11-28) for one
 * repository's deployments, deployment statuses, comparisons and pull requests. The
 * response shapes follow GitHub's documentation pages named on each route; the values
 * come from a `FakeRepository`.
 *
 * It paginates with `Link` headers, answers `If-None-Match` with 304, counts a primary
 * rate limit (`x-ratelimit-*`, 403 when spent) and enforces a secondary limit of requests
 * per window (403 with `Retry-After`), as GitHub does.
 */

export type FakeDeployment = {
  id: number;
  sha: string;
  environment: string;
  createdAt: string;
  creator: string;
  statuses: Array<{ id: number; state: string; createdAt: string }>;
};

export type FakeRepository = {
  fullName: string;
  /** Commits in the order they landed on the default branch. */
  commits: Array<{ sha: string; at: string; message: string; author: string }>;
  deployments: FakeDeployment[];
  pulls: Array<{
    number: number;
    mergeCommitSha: string;
    mergedAt: string;
    title: string;
  }>;
};

export type FakeGithubOptions = {
  token: string;
  /** The primary limit per hour; GitHub gives a token 5,000. */
  primaryLimit?: number;
  /** Secondary limit: at most this many requests per `secondaryWindowMs`. */
  secondaryLimit?: number;
  secondaryWindowMs?: number;
  /** Called before each authenticated request is answered (e.g. to stop a backfill). */
  onRequest?: (path: string, count: number) => void;
};

export type FakeGithub = {
  url: string;
  repository: FakeRepository;
  stats: {
    requests: number;
    notModified: number;
    secondaryLimited: number;
    primaryLimited: number;
    unauthorized: number;
    byRoute: Record<string, number>;
  };
  /** Answers the next request with a secondary rate limit (403 or 429, `Retry-After`). */
  limitNext(status: 403 | 429, retryAfterSeconds: number): void;
  /** Spends the primary limit until `resetInSeconds` from now. */
  spendPrimary(resetInSeconds: number): void;
  close(): Promise<void>;
};

const user = (login: string) => ({
  login,
  id: 1,
  node_id: 'MDQ6VXNlcjE=',
  type: 'User',
  site_admin: false,
});

export async function startFakeGithub(
  repository: FakeRepository,
  options: FakeGithubOptions,
): Promise<FakeGithub> {
  const stats: FakeGithub['stats'] = {
    requests: 0,
    notModified: 0,
    secondaryLimited: 0,
    primaryLimited: 0,
    unauthorized: 0,
    byRoute: {},
  };
  const primaryLimit = options.primaryLimit ?? 5000;
  let primaryUsed = 0;
  let primaryResetAt = Date.now() + 3_600_000;
  let window: number[] = [];
  let forced: { status: number; retryAfter: number } | undefined;
  let base = '';

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', base);
    const send = (
      status: number,
      body: unknown,
      headers: Record<string, string> = {},
    ) => {
      res.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        ...headers,
      });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const auth = String(req.headers.authorization ?? '');
    if (
      auth !== `Bearer ${options.token}` &&
      auth !== `token ${options.token}`
    ) {
      stats.unauthorized++;
      send(401, {
        message: 'Bad credentials',
        documentation_url: 'https://docs.github.com/rest',
      });
      return;
    }
    stats.requests++;
    options.onRequest?.(url.pathname, stats.requests);
    const now = Date.now();
    if (now >= primaryResetAt) {
      primaryUsed = 0;
      primaryResetAt = now + 3_600_000;
    }
    const rateHeaders = () => ({
      'x-ratelimit-limit': String(primaryLimit),
      'x-ratelimit-remaining': String(Math.max(0, primaryLimit - primaryUsed)),
      'x-ratelimit-used': String(primaryUsed),
      'x-ratelimit-reset': String(Math.ceil(primaryResetAt / 1000)),
      'x-ratelimit-resource': 'core',
    });
    if (forced) {
      const { status, retryAfter } = forced;
      forced = undefined;
      stats.secondaryLimited++;
      send(
        status,
        { message: 'You have exceeded a secondary rate limit.' },
        {
          ...rateHeaders(),
          'retry-after': String(retryAfter),
        },
      );
      return;
    }
    if (primaryUsed >= primaryLimit) {
      stats.primaryLimited++;
      send(403, { message: 'API rate limit exceeded' }, rateHeaders());
      return;
    }
    const windowMs = options.secondaryWindowMs ?? 60_000;
    window = window.filter(t => t > now - windowMs);
    if (options.secondaryLimit && window.length >= options.secondaryLimit) {
      stats.secondaryLimited++;
      const retryAfter = Math.max(
        1,
        Math.ceil((window[0] + windowMs - now) / 1000),
      );
      send(
        403,
        { message: 'You have exceeded a secondary rate limit.' },
        {
          ...rateHeaders(),
          'retry-after': String(retryAfter),
        },
      );
      return;
    }
    window.push(now);

    const answer = route(url);
    if (!answer) {
      send(404, { message: 'Not Found' }, rateHeaders());
      return;
    }
    stats.byRoute[answer.route] = (stats.byRoute[answer.route] ?? 0) + 1;
    const text = JSON.stringify(answer.body);
    const etag = `"${createHash('sha1').update(text).digest('hex')}"`;
    if (req.headers['if-none-match'] === etag) {
      // GitHub does not count a 304 against the primary limit.
      stats.notModified++;
      res.writeHead(304, { etag, ...rateHeaders() });
      res.end();
      return;
    }
    primaryUsed++;
    send(200, answer.body, {
      etag,
      ...rateHeaders(),
      ...(answer.link ? { link: answer.link } : {}),
    });
  });

  /** One page of a list, with GitHub's `Link` header. */
  function paginate<T>(url: URL, items: T[]) {
    const perPage = Math.min(
      100,
      Number(url.searchParams.get('per_page') ?? 30),
    );
    const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
    const last = Math.max(1, Math.ceil(items.length / perPage));
    const at = (p: number) => {
      const next = new URL(url);
      next.searchParams.set('page', String(p));
      return next.toString();
    };
    const links = [];
    if (page < last)
      links.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
    if (page > 1)
      links.push(`<${at(page - 1)}>; rel="prev"`, `<${at(1)}>; rel="first"`);
    return {
      body: items.slice((page - 1) * perPage, page * perPage),
      link: links.join(', ') || undefined,
    };
  }

  function route(
    url: URL,
  ): { route: string; body: unknown; link?: string } | undefined {
    const prefix = `/repos/${repository.fullName}`;
    if (!url.pathname.startsWith(`${prefix}/`)) return undefined;
    const rest = url.pathname.slice(prefix.length);
    const apiRepo = `${base}${prefix}`;
    // https://docs.github.com/rest/deployments/deployments#list-deployments (newest first)
    if (rest === '/deployments') {
      const newestFirst = [...repository.deployments].sort(
        (a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id,
      );
      const page = paginate(
        url,
        newestFirst.map(d => deploymentBody(apiRepo, d)),
      );
      return { route: 'deployments', ...page };
    }
    // https://docs.github.com/rest/deployments/statuses#list-deployment-statuses (newest first)
    const statuses = /^\/deployments\/(\d+)\/statuses$/.exec(rest);
    if (statuses) {
      const d = repository.deployments.find(x => x.id === Number(statuses[1]));
      if (!d) return undefined;
      const items = [...d.statuses].reverse().map(s => ({
        url: `${apiRepo}/deployments/${d.id}/statuses/${s.id}`,
        id: s.id,
        node_id: `DES_${s.id}`,
        state: s.state,
        creator: user(d.creator),
        description: '',
        environment: d.environment,
        target_url: `https://ci.example.com/deployments/${d.id}`,
        log_url: `https://ci.example.com/deployments/${d.id}/log`,
        environment_url: '',
        created_at: s.createdAt,
        updated_at: s.createdAt,
        deployment_url: `${apiRepo}/deployments/${d.id}`,
        repository_url: apiRepo,
      }));
      return { route: 'statuses', ...paginate(url, items) };
    }
    // https://docs.github.com/rest/commits/commits#compare-two-commits (API version
    // 2022-11-28): "When calling this API without any paging parameters (per_page or page),
    // the returned list is limited to 250 commits"; with them, `commits` is paginated with a
    // `Link` header, and `total_commits` still counts them all.
    const compare = /^\/compare\/([a-f0-9]+)\.\.\.([a-f0-9]+)$/.exec(rest);
    if (compare) {
      const from = repository.commits.findIndex(c => c.sha === compare[1]);
      const to = repository.commits.findIndex(c => c.sha === compare[2]);
      if (from < 0 || to < 0) return undefined;
      const ahead = to > from ? repository.commits.slice(from + 1, to + 1) : [];
      const paged =
        url.searchParams.has('per_page') || url.searchParams.has('page');
      const listed = paged
        ? paginate(url, ahead)
        : { body: ahead.slice(0, 250), link: undefined };
      return {
        route: 'compare',
        link: listed.link,
        body: {
          url: `${apiRepo}/compare/${compare[1]}...${compare[2]}`,
          status: comparisonStatus(from, to),
          ahead_by: ahead.length,
          behind_by: to < from ? from - to : 0,
          total_commits: ahead.length,
          commits: listed.body.map(c => ({
            url: `${apiRepo}/commits/${c.sha}`,
            sha: c.sha,
            node_id: `C_${c.sha.slice(0, 8)}`,
            author: user(c.author),
            committer: user('web-flow'),
            parents: [],
            commit: {
              url: `${apiRepo}/git/commits/${c.sha}`,
              author: {
                name: c.author,
                email: `${c.author}@example.com`,
                date: c.at,
              },
              committer: {
                name: 'GitHub',
                email: 'noreply@github.com',
                date: c.at,
              },
              message: c.message,
              tree: { url: '', sha: c.sha },
              comment_count: 0,
            },
          })),
          files: [],
        },
      };
    }
    // https://docs.github.com/rest/pulls/pulls#list-pull-requests (state=closed, sort=updated, desc)
    if (rest === '/pulls') {
      const items = [...repository.pulls]
        .sort((a, b) => b.mergedAt.localeCompare(a.mergedAt))
        .map(p => ({
          url: `${apiRepo}/pulls/${p.number}`,
          id: p.number,
          number: p.number,
          state: 'closed',
          locked: false,
          title: p.title,
          user: user('dev'),
          body: null,
          created_at: p.mergedAt,
          updated_at: p.mergedAt,
          closed_at: p.mergedAt,
          merged_at: p.mergedAt,
          merge_commit_sha: p.mergeCommitSha,
          draft: false,
          head: { ref: `change-${p.number}`, sha: p.mergeCommitSha },
          base: { ref: 'main', sha: p.mergeCommitSha },
        }));
      return { route: 'pulls', ...paginate(url, items) };
    }
    return undefined;
  }

  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    repository,
    stats,
    limitNext(status, retryAfterSeconds) {
      forced = { status, retryAfter: retryAfterSeconds };
    },
    spendPrimary(resetInSeconds) {
      primaryUsed = primaryLimit;
      primaryResetAt = Date.now() + resetInSeconds * 1000;
    },
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function comparisonStatus(from: number, to: number) {
  if (to === from) return 'identical';
  return to > from ? 'ahead' : 'behind';
}

/** https://docs.github.com/rest/deployments/deployments#get-a-deployment */
function deploymentBody(apiRepo: string, d: FakeDeployment) {
  return {
    url: `${apiRepo}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_${d.id}`,
    sha: d.sha,
    ref: d.sha,
    task: 'deploy',
    payload: {},
    original_environment: d.environment,
    environment: d.environment,
    description: null,
    creator: user(d.creator),
    created_at: d.createdAt,
    updated_at: d.createdAt,
    statuses_url: `${apiRepo}/deployments/${d.id}/statuses`,
    repository_url: apiRepo,
    transient_environment: false,
    production_environment: d.environment === 'production',
  };
}

/**
 * A repository with one squash-merged pull request per commit and `count` deployments,
 * alternating staging then production of the same commit, one commit apart each pair.
 */
export function generatedRepository(options: {
  fullName: string;
  deployments: number;
  /** The newest deployment's time; the others are spaced `spacingMs` before it. */
  newest: number;
  spacingMs: number;
}): FakeRepository {
  const sha = (n: number) =>
    createHash('sha1').update(`commit-${n}`).digest('hex');
  const iso = (ms: number) =>
    new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const commits = [];
  const pulls = [];
  const deployments: FakeDeployment[] = [];
  const pairs = Math.ceil(options.deployments / 2);
  const first = options.newest - (options.deployments - 1) * options.spacingMs;
  // Commit 0 is the base the first deployment of each environment is compared from.
  commits.push({
    sha: sha(0),
    at: iso(first - 7_200_000),
    message: 'Initial commit',
    author: 'dev',
  });
  for (let p = 1; p <= pairs; p++) {
    const stagingAt = first + (p - 1) * 2 * options.spacingMs;
    const mergedAt = stagingAt - 3_600_000;
    commits.push({
      sha: sha(p),
      at: iso(mergedAt - 600_000),
      message: `Change ${p} (#${p})\n\nDetails.`,
      author: 'dev',
    });
    pulls.push({
      number: p,
      mergeCommitSha: sha(p),
      mergedAt: iso(mergedAt),
      title: `Change ${p}`,
    });
    for (const [offset, environment] of [
      [0, 'staging'],
      [1, 'production'],
    ] as const) {
      const id = 1000 + (p - 1) * 2 + offset;
      if (deployments.length >= options.deployments) break;
      const createdAt = stagingAt + offset * options.spacingMs;
      deployments.push({
        id,
        sha: sha(p),
        environment,
        createdAt: iso(createdAt),
        creator: 'deployer',
        statuses: [
          {
            id: id * 10 + 1,
            state: 'in_progress',
            createdAt: iso(createdAt + 60_000),
          },
          {
            id: id * 10 + 2,
            state: 'success',
            createdAt: iso(createdAt + 300_000),
          },
        ],
      });
    }
  }
  return { fullName: options.fullName, commits, deployments, pulls };
}
