import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import {
  IngestionSource,
  IngestionSourceBatch,
  IngestionSourceContext,
  IngestionSourceOutcome,
} from '@greenlight/backstage-plugin-greenlight-node';
import express from 'express';
import Router from 'express-promise-router';
import { AccessDeps, reader } from '../router/access';
import { assertNestingWithin, assertSafeInput } from '../router/safeInput';
import { visibleProgress } from './visibleProgress';

export type RegisteredSource = {
  source: IngestionSource;
  context: IngestionSourceContext;
  /** Writes a webhook delivery's batches whole or not at all (see `ingestDelivery`). */
  ingestDelivery(
    batches: IngestionSourceBatch[],
  ): Promise<IngestionSourceOutcome>;
};

/**
 * `POST /v1/sources/:sourceId/webhook` for the tools' own webhooks, and `GET /v1/sources`
 * saying which sources are installed and where their pulls stand.
 */
export function sourceRoutes(
  deps: AccessDeps & {
    sources: Map<string, RegisteredSource>;
    maxBodySize: string;
  },
) {
  const router = Router();

  router.post(
    '/v1/sources/:sourceId/webhook',
    // Signatures cover the exact bytes the tool sent, so the body is kept raw.
    express.raw({ type: () => true, limit: deps.maxBodySize }),
    async (req, res) => {
      const registered = deps.sources.get(req.params.sourceId);
      if (!registered?.source.webhook) {
        throw new NotFoundError(
          `No ingestion source '${req.params.sourceId}' takes webhooks`,
        );
      }
      const { source, context } = registered;
      const rawBody: Buffer = Buffer.isBuffer(req.body)
        ? req.body
        : Buffer.alloc(0);
      if (
        !(await source.webhook!.authenticate({ headers: req.headers, rawBody }))
      ) {
        throw new AuthenticationError(
          `The ${source.id} webhook's signature or token does not match`,
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(rawBody.toString('utf8'));
      } catch {
        throw new InputError('body: not valid JSON');
      }
      assertNestingWithin(body, 'body');
      const { batches, ignoredReason } = await source.webhook!.handle(
        { headers: req.headers, body },
        context,
      );
      // What is stored is checked strictly: the events the source mapped from the payload.
      batches.forEach((batch, i) =>
        assertSafeInput(batch.events, `batches[${i}].events`),
      );
      if (batches.length === 0) {
        res.status(202).json({
          accepted: 0,
          duplicates: 0,
          ignored: 1,
          reason: ignoredReason,
        });
        return;
      }
      const { accepted, duplicates } = await registered.ingestDelivery(batches);
      res.json({ accepted, duplicates, ignored: 0 });
    },
  );

  router.get('/v1/sources', async (req, res) => {
    const credentials = await reader(deps, req);
    const items = [];
    for (const { source, context } of deps.sources.values()) {
      // Sources report pull progress under `progress:` keys; cursors and ETags stay private.
      const progress = (await context.state.list('progress:')).map(p => ({
        ...p,
        key: p.key.slice('progress:'.length),
      }));
      items.push({
        id: source.id,
        annotations: source.annotations,
        webhook: Boolean(source.webhook),
        pull: Boolean(source.pull),
        progress: (await visibleProgress(deps, credentials, progress)).map(
          p => ({
            key: p.key,
            value: p.value,
            updatedAt: p.updatedAt.toISOString(),
          }),
        ),
      });
    }
    res.json({ items });
  });

  return router;
}
