import { Config } from '@backstage/config';
import { AuthenticationError, InputError, NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import {
  mapGithubWebhook,
  parseCdeventsRequest,
  verifyGithubSignature,
} from '../ingest';
import { IngestService } from '../service/IngestService';
import { greenlightEventCreatePermission } from '@greenlight/backstage-plugin-greenlight-common';
import { AccessDeps, authorizeEntityWrites, eventItems, serviceWriter } from './access';
import { connectorIdReasons } from './connectorIds';
import { describeIssues } from './describeIssues';
import { sendError } from './errorBody';
import { assertNestingWithin, assertSafeInput } from './safeInput';
import { GITHUB_WEBHOOK_SOURCE } from '../ingest/github/sourceId';
import { githubPathOf, readGithubSecrets } from '../ingest/github/webhookSecrets';
import { secretForPath } from '@greenlight/backstage-plugin-greenlight-node';

/** CDEvents from any producer, and GitHub's signed webhooks. */
export function foreignIngestRoutes(
  deps: AccessDeps & { ingest: IngestService; config: Config; maxBodySize: string },
) {
  const router = Router();
  const githubSecrets = readGithubSecrets(deps.config);

  router.post(
    '/v1/webhooks/github',
    // The signature covers the exact bytes GitHub sent, so the body is kept raw.
    express.raw({ type: () => true, limit: deps.maxBodySize }),
    async (req, res) => {
      if (!githubSecrets.fallback && githubSecrets.entries.length === 0) {
        throw new NotFoundError('GitHub webhooks are not configured');
      }
      const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // The secret of the repository the body names: another repository's does not verify it.
      const secret = secretForPath(githubSecrets, githubPathOf(body));
      if (!secret || !verifyGithubSignature(body, req.headers['x-hub-signature-256'], secret)) {
        throw new AuthenticationError('X-Hub-Signature-256 does not match the payload');
      }
      let payload: unknown;
      try {
        payload = JSON.parse(body.toString('utf8'));
      } catch {
        throw new InputError('body: not valid JSON');
      }
      assertNestingWithin(payload, 'body');
      const event = String(req.headers['x-github-event'] ?? '');
      const outcome = mapGithubWebhook({ event, payload });
      if (outcome.outcome === 'invalid') {
        throw new InputError(`${outcome.path}: ${outcome.message}`);
      }
      if (outcome.outcome === 'mapped') assertSafeInput(outcome.events, 'events');
      if (outcome.outcome === 'ignored') {
        res.status(202).json({ accepted: 0, duplicates: 0, ignored: 1, reason: outcome.reason });
        return;
      }
      res.json(
        await deps.ingest.ingest({ source: GITHUB_WEBHOOK_SOURCE, events: outcome.events, actor: 'webhook:github' }),
      );
    },
  );

  router.post(
    '/v1/cdevents',
    express.json({ limit: deps.maxBodySize, type: ['application/json', 'application/*+json'] }),
    async (req, res) => {
    const { credentials, actor } = await serviceWriter(deps, req);
    assertSafeInput(req.body, 'body');
    const results = parseCdeventsRequest({ headers: req.headers, body: req.body });
    const invalid = results.flatMap(r =>
      r.outcome === 'invalid' ? [{ index: r.index, path: r.path, message: r.message }] : [],
    );
    if (invalid.length > 0) {
      sendError(
        req,
        res,
        400,
        { name: 'InputError', message: `Invalid CDEvents: ${describeIssues(invalid)}; nothing was written` },
        { issues: invalid },
      );
      return;
    }
    const mapped = results.flatMap(r =>
      r.outcome === 'mapped' ? r.events.map(event => ({ event, index: r.index })) : [],
    );
    const events = mapped.map(m => m.event);
    const ignored = results.filter(r => r.outcome === 'ignored').length;
    if (events.length === 0) {
      res.json({ accepted: 0, duplicates: 0, unmapped: 0, ignored, results: [] });
      return;
    }
    res.json(
      await deps.ingest.ingest({
        source: 'cdevents',
        events,
        actor,
        ignored,
        // Refusals name the CDEvent of the request, not the ledger event it became.
        authorize: (refs, touched) =>
          authorizeEntityWrites(
            deps,
            credentials,
            greenlightEventCreatePermission,
            eventItems(refs, touched, i => `cdevents[${mapped[i].index}]`, connectorIdReasons(events)),
          ),
      }),
    );
    },
  );

  return router;
}
