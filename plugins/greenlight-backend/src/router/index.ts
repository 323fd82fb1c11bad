import { Config } from '@backstage/config';
import express from 'express';
import Router from 'express-promise-router';
import { EnvironmentConfig } from '../config';
import { ReleaseEnricher } from '../context';
import { LedgerStore } from '../database/LedgerStore';
import { IngestService } from '../service/IngestService';
import { AccessDeps } from './access';
import { foreignIngestRoutes } from './foreignIngestRoutes';
import { ingestRoutes } from './ingestRoutes';
import { readRoutes } from './readRoutes';
import { sendError } from './errorBody';
import { refuseUnsafeInput } from './safeInput';

export type RouterOptions = AccessDeps & {
  store: LedgerStore;
  ingest: IngestService;
  environments: EnvironmentConfig[];
  maxBodySize: string;
  config: Config;
  /** Routes of the plugin's features, mounted after the JSON body parser. */
  featureRouters?: express.Router[];
  /** Applied in order to every page of releases and environment states. */
  releaseEnrichers?: ReleaseEnricher[];
};

export async function createRouter(options: RouterOptions): Promise<express.Router> {
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.use(foreignIngestRoutes(options));
  router.use(
    express.json({
      limit: options.maxBodySize,
      type: ['application/json', 'application/*+json'],
    }),
  );
  router.use(refuseUnsafeInput());
  router.use(ingestRoutes(options));
  router.use(readRoutes(options));
  for (const featureRouter of options.featureRouters ?? []) router.use(featureRouter);

  // The body parsers report oversized, malformed and undecodable bodies with their own
  // 4xx status codes; they are answered in Backstage's error shape like every other error.
  router.use(
    (err: any, req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (err?.type === 'entity.too.large') {
        sendError(req, res, 413, {
          name: 'PayloadTooLargeError',
          message: `body: the request body exceeds ${options.maxBodySize}`,
        });
        return;
      }
      if (err?.type === 'entity.parse.failed') {
        sendError(req, res, 400, { name: 'InputError', message: 'body: not valid JSON' });
        return;
      }
      if (typeof err?.type === 'string' && err.status >= 400 && err.status < 500) {
        sendError(req, res, err.status, { name: 'InputError', message: `body: ${err.message}` });
        return;
      }
      next(err);
    },
  );
  return router;
}
