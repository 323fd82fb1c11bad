import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  AttestationView,
  digestSchema,
  greenlightEventCreatePermission,
  ProvenanceSummary,
  safeString,
} from '@greenlight/backstage-plugin-greenlight-common';
import Router from 'express-promise-router';
import { z } from 'zod';
import type { LedgerStore } from '../database/LedgerStore';
import {
  AccessDeps,
  assertCanReadEntity,
  assertCanReadOwner,
  normaliseEntityRef,
  reader,
  authorizeEntityWrites,
  serviceWriter,
} from '../router/access';
import { parseInput, timeParam } from '../router/validation';
import { artifactOwner, artifactView } from './service/artifactView';
import { AttestationService } from './service/AttestationService';
import { commitLocation } from './service/commitLocation';
import { provenanceSummary, verdictView } from './service/summary';
import { traceView } from './service/traceView';
import type { ViewDeps } from './service/ViewDeps';

const attestationBody = z.object({
  artifactDigest: digestSchema,
  mediaType: safeString().min(1).max(255),
  content: z.union([z.record(z.string(), z.unknown()), z.string().min(1)], {
    error: 'must be a JSON object or its JSON text',
  }),
  entityRef: z.string().min(1).optional(),
});

const traceQuery = z.object({
  entityRef: z.string().min(1),
  environment: z.string().min(1),
  at: timeParam.optional(),
});

const commitParams = z.object({
  sha: z
    .string()
    .regex(
      /^[a-fA-F0-9]{7,64}$/,
      'must be a hex commit SHA of 7 to 64 characters',
    ),
});

export type ProvenanceRouteDeps = AccessDeps & {
  service: AttestationService;
  views: ViewDeps;
  ledger: LedgerStore;
};

export function provenanceRoutes(deps: ProvenanceRouteDeps) {
  const router = Router();
  const { views } = deps;

  router.post('/v1/attestations', async (req, res) => {
    const { credentials, actor } = await serviceWriter(deps, req);
    const body = parseInput(attestationBody, req.body, 'body');
    const entityRef = body.entityRef
      ? normaliseEntityRef(body.entityRef)
      : null;
    const known = await views.traceability.artifact(body.artifactDigest);
    const owner = known?.entityRef ?? entityRef;
    // Checked on the artifact's entity first, and refused without naming it unless the caller
    // named it: whose artifact a digest is may be something the caller cannot read.
    await authorizeEntityWrites(
      deps,
      credentials,
      greenlightEventCreatePermission,
      [{ label: 'body', entityRef: owner, unnamed: owner !== entityRef }],
    );
    if (entityRef && known?.entityRef && known.entityRef !== entityRef) {
      throw new ConflictError(
        `entityRef: artifact ${body.artifactDigest} belongs to ${known.entityRef}, not ${entityRef}`,
      );
    }
    // The audit entry is written with the attestation, in one transaction.
    const [recorded] = await deps.service.record(
      [
        {
          artifactDigest: body.artifactDigest,
          mediaType: body.mediaType,
          content: body.content,
          entityRef,
          sourceEventId: null,
          receivedBy: actor,
        },
      ],
      attestation => ({
        actor,
        action: 'attestation.recorded',
        subjectType: 'artifact',
        subjectId: attestation.artifactDigest,
        entityRef: owner,
        details: {
          attestationId: attestation.id,
          mediaType: attestation.mediaType,
        },
      }),
    );
    const [stored, verdicts] = await Promise.all([
      views.attestations.attestationsFor(body.artifactDigest),
      views.attestations.verdictsFor([body.artifactDigest]),
    ]);
    const attestation = stored.find(a => a.id === recorded.key.id)!;
    const view: AttestationView = {
      id: attestation.id,
      artifactDigest: attestation.artifactDigest,
      mediaType: attestation.mediaType,
      receivedAt: new Date(attestation.receivedAt).toISOString(),
      receivedBy: attestation.receivedBy,
      sourceEventId: attestation.sourceEventId,
      verdicts: verdicts
        .filter(v => v.attestationId === attestation.id)
        .map(v => verdictView(v, views.fingerprint)),
    };
    const summary: ProvenanceSummary = provenanceSummary(
      verdicts,
      views.trustedKeyIds,
    );
    res.status(recorded.status === 'accepted' ? 201 : 200).json({
      status: recorded.status,
      attestation: view,
      summary,
    });
  });

  router.get('/v1/artifacts/:digest', async (req, res) => {
    const credentials = await reader(deps, req);
    const { digest } = parseInput(
      z.object({ digest: digestSchema }),
      req.params,
      'path',
    );
    const owner = await artifactOwner(views, digest);
    const missing = new NotFoundError(
      `No artifact ${digest} attached to an entity`,
    );
    if (!owner?.entityRef) throw missing;
    await assertCanReadOwner(deps, credentials, owner.entityRef, missing);
    const visible = async (ref: string) =>
      ref === owner.entityRef ||
      Boolean(
        await deps.catalog
          .getEntityByRef(ref, { credentials })
          .catch(() => undefined),
      );
    res.json(await artifactView(views, digest, owner, visible));
  });

  router.get('/v1/trace', async (req, res) => {
    const credentials = await reader(deps, req);
    const q = parseInput(traceQuery, req.query, 'query');
    const entityRef = normaliseEntityRef(q.entityRef);
    await assertCanReadEntity(deps, credentials, entityRef);
    res.json(
      await traceView(views, deps.ledger, {
        entityRef,
        environment: q.environment,
        at: q.at ?? Date.now(),
      }),
    );
  });

  router.get('/v1/commits/:sha/where', async (req, res) => {
    const credentials = await reader(deps, req);
    const { sha } = parseInput(commitParams, req.params, 'path');
    const q = parseInput(
      z.object({ entityRef: z.string().min(1) }),
      req.query,
      'query',
    );
    const entityRef = normaliseEntityRef(q.entityRef);
    await assertCanReadEntity(deps, credentials, entityRef);
    res.json(await commitLocation(views, entityRef, sha.toLowerCase()));
  });

  return router;
}
