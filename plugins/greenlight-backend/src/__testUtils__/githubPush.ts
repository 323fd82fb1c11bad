import { createHmac } from 'node:crypto';

/** A GitHub `push` delivery of one commit to `acme/payments`, as GitHub's webhook sends it. */
export const PAYMENTS_PUSH = JSON.stringify({
  ref: 'refs/heads/main',
  after: 'a'.repeat(40),
  repository: {
    full_name: 'acme/payments',
    default_branch: 'main',
    html_url: 'https://github.com/acme/payments',
  },
  pusher: { name: 'ada' },
  head_commit: { id: 'a'.repeat(40), timestamp: '2026-01-01T10:00:00Z' },
  commits: [
    {
      id: 'a'.repeat(40),
      message: 'Add refunds',
      timestamp: '2026-01-01T10:00:00Z',
      author: { name: 'Ada' },
    },
  ],
});

/** `X-Hub-Signature-256` of a body: HMAC-SHA256 with the webhook's secret, in hex. */
export const githubSignature = (body: string, secret: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
