import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { Request, Response, Router } from 'express';

/**
 * The HTTP writes that change a release's fate, and the auditor event id of each. Paths are
 * matched as Express routes them: in any case, with or without a trailing slash.
 * Ingestion (`/v1/events`, `/v1/cdevents`, webhooks) records what pipelines report rather
 * than deciding anything, and a gate replay is a what-if; neither is here.
 */
const FATE_WRITES: Array<{
  method: string;
  path: RegExp;
  eventId: string;
  severityLevel: AuditorServiceEventSeverityLevel;
}> = [
  {
    method: 'POST',
    path: /^\/v1\/rollouts\/[^/]+\/actions\/?$/i,
    eventId: 'rollout-action',
    severityLevel: 'high',
  },
  {
    method: 'POST',
    path: /^\/v1\/rollouts\/?$/i,
    eventId: 'rollout-start',
    severityLevel: 'medium',
  },
  {
    method: 'POST',
    path: /^\/v1\/readiness\/[^/]+\/override\/?$/i,
    eventId: 'readiness-override',
    severityLevel: 'high',
  },
  {
    method: 'POST',
    path: /^\/v1\/readiness\/?$/i,
    eventId: 'readiness-decision',
    severityLevel: 'medium',
  },
  {
    method: 'POST',
    path: /^\/v1\/break-glass\/[^/]+\/reconcile\/?$/i,
    eventId: 'break-glass-reconcile',
    severityLevel: 'medium',
  },
  {
    method: 'POST',
    path: /^\/v1\/break-glass\/?$/i,
    eventId: 'break-glass',
    severityLevel: 'high',
  },
  {
    method: 'PUT',
    path: /^\/v1\/services\/[^/]+\/[^/]+\/[^/]+\/?$/i,
    eventId: 'service-registration',
    severityLevel: 'medium',
  },
  {
    method: 'POST',
    path: /^\/v1\/incidents\/[^/]+\/attribution\/?$/i,
    eventId: 'incident-attribution',
    severityLevel: 'medium',
  },
  {
    method: 'DELETE',
    path: /^\/v1\/incidents\/[^/]+\/attribution\/?$/i,
    eventId: 'incident-attribution-undo',
    severityLevel: 'medium',
  },
  {
    method: 'POST',
    path: /^\/v1\/drift\/?$/i,
    eventId: 'drift-report',
    severityLevel: 'low',
  },
  // An emergency stop or a freeze holds every release of an environment or the organisation.
  {
    method: 'POST',
    path: /^\/v1\/emergency-stop\/?$/i,
    eventId: 'emergency-stop',
    severityLevel: 'high',
  },
  {
    method: 'DELETE',
    path: /^\/v1\/emergency-stop\/?$/i,
    eventId: 'emergency-stop-lift',
    severityLevel: 'high',
  },
  {
    method: 'POST',
    path: /^\/v1\/freezes\/[^/]+\/lift\/?$/i,
    eventId: 'freeze-lift',
    severityLevel: 'medium',
  },
  {
    method: 'POST',
    path: /^\/v1\/freezes\/?$/i,
    eventId: 'freeze',
    severityLevel: 'medium',
  },
  // A team's sign-off on its DORA figures, which reviews and reports cite.
  {
    method: 'POST',
    path: /^\/v1\/dora\/reviews\/?$/i,
    eventId: 'dora-review-signoff',
    severityLevel: 'medium',
  },
];

/**
 * Ingestion, audited only when it is refused: a pipeline token sending events for an entity it
 * may not write, or naming another team's records (a deployment it would roll back or blame, an
 * id another entity's events hold), and a webhook delivery with a wrong signature or secret, or
 * for a repository or entity its tool may not speak for, are what the platform's audit log must
 * show; the ledger keeps no trace of a write it refused, and accepted batches are the plugin's
 * own trail. `refusals` are the statuses that mean refused on that route: a webhook route signs
 * its own callers (`401`) and refuses a delivery that names a repository of another entity
 * (GitHub answers such a delivery `400`: GitHub shows it in the hook's deliveries).
 */
const REFUSED_INGESTION: Array<{
  method: string;
  path: RegExp;
  refusals: number[];
}> = [
  { method: 'POST', path: /^\/v1\/events\/?$/i, refusals: [403] },
  { method: 'POST', path: /^\/v1\/cdevents\/?$/i, refusals: [403] },
  { method: 'POST', path: /^\/v1\/attestations\/?$/i, refusals: [403] },
  // An ingestion source's webhook: a wrong secret, or an entity without the source's annotations.
  {
    method: 'POST',
    path: /^\/v1\/sources\/[^/]+\/webhook\/?$/i,
    refusals: [401, 403],
  },
  {
    method: 'POST',
    path: /^\/v1\/webhooks\/github\/?$/i,
    refusals: [400, 401, 403],
  },
];

/** The message of an error answer, as Backstage's error handler sends it. */
function refusalOf(body: unknown): string | undefined {
  const message = (body as { error?: { message?: unknown } } | undefined)?.error
    ?.message;
  return typeof message === 'string' ? message.slice(0, 2_000) : undefined;
}

/**
 * Emits an event of the auditor service (`coreServices.auditor`) for every write that
 * changes a release's fate: created when the request arrives, with the caller taken from
 * the request, then marked a success or a failure when the answer is sent. The plugin's
 * own audit trail (the `audit_log` table the frontend shows) is written as before.
 * Refused ingestion (`REFUSED_INGESTION`) is an `ingest-refused` failure naming what was
 * refused.
 */
export function auditWrites(options: {
  auditor: AuditorService;
  logger: LoggerService;
}): Router {
  const router = Router();
  router.use(async (req, res, next) => {
    const write = FATE_WRITES.find(
      w => w.method === req.method && w.path.test(req.path),
    );
    const ingestion = write
      ? undefined
      : REFUSED_INGESTION.find(
          w => w.method === req.method && w.path.test(req.path),
        );
    if (ingestion) {
      auditRefusal(req, res, ingestion.refusals, options);
      next();
      return;
    }
    if (!write) {
      next();
      return;
    }
    try {
      const event = await options.auditor.createEvent({
        eventId: write.eventId,
        severityLevel: write.severityLevel,
        request: req,
        meta: { method: req.method, path: req.path },
      });
      res.on('finish', () => {
        const meta = { status: res.statusCode };
        const done =
          res.statusCode < 400
            ? event.success({ meta })
            : event.fail({
                meta,
                error: new Error(`answered HTTP ${res.statusCode}`),
              });
        done.catch(error =>
          options.logger.warn(
            `Auditor event ${write.eventId} was not completed: ${error}`,
          ),
        );
      });
    } catch (error) {
      options.logger.warn(
        `Auditor event ${write.eventId} was not created: ${error}`,
      );
    }
    next();
  });
  return router;
}

/** Records the request as an `ingest-refused` auditor event when it is answered a refusal. */
function auditRefusal(
  req: Request,
  res: Response,
  refusals: number[],
  options: { auditor: AuditorService; logger: LoggerService },
) {
  // Recorded when the refusal is answered, not when it is sent: a caller that hangs up before
  // the answer is written is refused all the same.
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    if (refusals.includes(res.statusCode))
      recordRefusal(req, res.statusCode, refusalOf(body), options);
    return json(body);
  };
}

function recordRefusal(
  req: Request,
  status: number,
  refusal: string | undefined,
  options: { auditor: AuditorService; logger: LoggerService },
) {
  const meta = { method: req.method, path: req.path, status, refusal };
  options.auditor
    .createEvent({
      eventId: 'ingest-refused',
      severityLevel: 'medium',
      request: req,
      meta,
    })
    .then(event =>
      event.fail({
        meta,
        error: new Error(refusal ?? `answered HTTP ${status}`),
      }),
    )
    .catch(error =>
      options.logger.warn(
        `Auditor event ingest-refused was not recorded: ${error}`,
      ),
    );
}
