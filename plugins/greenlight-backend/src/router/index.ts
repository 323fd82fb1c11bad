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
  router.use(ingestRoutes(options));
  router.use(readRoutes(options));
  for (const featureRouter of options.featureRouters ?? []) router.use(featureRouter);

  // The JSON parser reports oversized and malformed bodies with their own status codes.
  router.use(
    (err: any, _req: express.Request, res: express.Response, next: express.NextFunction) => {
      if (err?.type === 'entity.too.large') {
        res.status(413).json({
          error: { name: 'PayloadTooLargeError', message: `Request body exceeds ${options.maxBodySize}` },
        });
        return;
      }
      if (err?.type === 'entity.parse.failed') {
        res.status(400).json({ error: { name: 'InputError', message: `body: not valid JSON` } });
        return;
      }
      next(err);
    },
  );
  return router;
}
