import {
  greenlightEventCreatePermission,
  parseEventBatch,
} from '@greenlight/backstage-plugin-greenlight-common';
import Router from 'express-promise-router';
import { IngestService } from '../service/IngestService';
import { AccessDeps, authorizeEntityWrites, eventItems, serviceWriter } from './access';
import { connectorIdReasons } from './connectorIds';
import { describeIssues } from './describeIssues';
import { sendError } from './errorBody';

export function ingestRoutes(deps: AccessDeps & { ingest: IngestService }) {
  const router = Router();

  router.post('/v1/events', async (req, res) => {
    const { credentials, actor } = await serviceWriter(deps, req);
    const parsed = parseEventBatch(req.body);
    if (!parsed.ok) {
      sendError(
        req,
        res,
        400,
        {
          name: 'InputError',
          message: `Invalid event batch: ${describeIssues(parsed.issues)}; nothing was written`,
        },
        { issues: parsed.issues },
      );
      return;
    }
    const outcome = await deps.ingest.ingest({
      source: 'native',
      events: parsed.events,
      actor,
      authorize: (refs, touched) =>
        authorizeEntityWrites(
          deps,
          credentials,
          greenlightEventCreatePermission,
          eventItems(refs, touched, i => `events[${i}]`, connectorIdReasons(parsed.events)),
        ),
    });
    res.status(200).json(outcome);
  });

  return router;
}
