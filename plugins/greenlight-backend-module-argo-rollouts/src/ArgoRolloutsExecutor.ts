import type {
  RollbackExecutor,
  RollbackRequest,
  RollbackResult,
} from '@greenlight/backstage-plugin-greenlight-node';
import canonicalize from 'canonicalize';
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import type { ArgoEnvironmentTarget, ArgoExecutorConfig } from './config';

/**
 * Marks a Rollout whose template this executor restored, with the rollback's idempotency key.
 *
 * @public
 */
export const ROLLBACK_ANNOTATION = 'greenlight.dev/rollback-id';

/**
 * The annotation a Rollout must carry, holding the full reference (`kind:namespace/name`) of
 * the entity it belongs to, before this executor aborts or undoes it. The entity's own
 * annotations cannot bind it: whoever edits an entity could name another team's Rollout.
 * The Rollout's manifest is its owners' to write.
 *
 * @public
 */
export const ROLLOUT_ENTITY_ANNOTATION = 'greenlight.dev/entity-ref';
const REVISION_ANNOTATION = 'rollout.argoproj.io/revision';
const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

type Answer =
  | { ok: true; status: number; body: any }
  | { ok: false; status: number; reason: string };

class KubeError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

/**
 * Network errors, server errors, throttling and conflicts (409, or 422 from the
 * resourceVersion test of the undo patch) may pass on another try; auth and permission
 * problems and a missing object will not.
 */
function retryableStatus(status: number) {
  return status === 0 || status >= 500 || [408, 409, 422, 429].includes(status);
}

function jsonPointerSegment(text: string) {
  return text.replace(/~/g, '~0').replace(/\//g, '~1');
}

function withoutHash(template: any) {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels)
    delete copy.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return copy;
}

/**
 * RFC 8785 canonical JSON, so that two templates that differ only in key order compare
 * equal. Keys sort by UTF-16 code units, as the RFC says, not by locale.
 */
function canonicalJson(value: unknown): string {
  return canonicalize(value ?? null) ?? 'null';
}

/** The images of a pod template's containers and init containers. */
function imagesOf(template: any): string[] {
  const spec = template?.spec ?? {};
  return [...(spec.containers ?? []), ...(spec.initContainers ?? [])]
    .map((c: any) => c?.image)
    .filter((image: unknown): image is string => typeof image === 'string');
}

/** Entity references are compared without regard to case, as the catalog compares them. */
function sameEntityRef(a: unknown, b: string): boolean {
  return (
    typeof a === 'string' &&
    a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US')
  );
}

const DIGEST = /^sha(256|384|512):[a-f0-9]{64,128}$/;

function revisionOf(rs: any): number {
  const text = rs?.metadata?.annotations?.[REVISION_ANNOTATION];
  const value = Number(text);
  return Number.isFinite(value) ? value : 0;
}

/**
 * Rolls back an Argo Rollout through the Kubernetes API, as `kubectl argo rollouts abort`
 * and `undo` do: the abort (a merge patch of `status.abort`) sends traffic back to the
 * stable ReplicaSet at once; the undo replaces `spec.template` with the previous
 * revision's, or the Rollout would try the new version again once it leaves the aborted
 * state. The undo also writes the rollback's idempotency key as an annotation, so a
 * retried attempt recognises its own work instead of undoing a second revision.
 *
 * Before anything changes, the Rollout, found in the namespace configured for the
 * rollback's environment, must carry {@link ROLLOUT_ENTITY_ANNOTATION} naming the rollout's
 * entity and run the rollout's artifact digest; otherwise nothing is aborted or undone.
 *
 * @public
 */
export class ArgoRolloutsExecutor implements RollbackExecutor {
  readonly id = 'argo-rollouts';
  /** One dispatcher per CA file that an environment's API server is trusted by. */
  readonly #dispatchers = new Map<string, Agent>();

  constructor(
    private readonly config: ArgoExecutorConfig,
    /**
     * The Rollout's name for an entity: annotation `argocd/rollout-name`, else the entity
     * name. Only a name: the Rollout must still be bound to the entity.
     */
    private readonly rolloutName: (entityRef: string) => Promise<string>,
  ) {
    for (const { caCertFile } of config.environments) {
      if (caCertFile && !this.#dispatchers.has(caCertFile)) {
        this.#dispatchers.set(
          caCertFile,
          new Agent({ connect: { ca: readFileSync(caCertFile, 'utf8') } }),
        );
      }
    }
  }

  async rollback(request: RollbackRequest): Promise<RollbackResult> {
    try {
      // Both refusals come before the cluster is asked anything.
      const target = this.config.environments.find(
        e => e.name === request.environment,
      );
      if (!target) {
        // Never another environment's namespace: a staging rollback must not reach production.
        throw new KubeError(
          `no namespace is configured for environment ${request.environment} (greenlight.rollouts.argo.environments), so nothing was aborted or undone`,
          false,
        );
      }
      if (!request.artifactDigest || !DIGEST.test(request.artifactDigest)) {
        // Without the digest, the Rollout running this rollout's release cannot be told from
        // one running any other release.
        throw new KubeError(
          `rollout ${request.rolloutId} names no artifact digest (sha256:<hex>) that its Argo Rollout must run, so nothing was aborted or undone`,
          false,
        );
      }
      const name = await this.rolloutName(request.entityRef);
      const message = await this.abortAndUndo(
        target,
        name,
        request,
        request.artifactDigest,
      );
      return { status: 'succeeded', message, retryable: false };
    } catch (e) {
      const retryable = e instanceof KubeError ? e.retryable : true;
      return { status: 'failed', message: (e as Error).message, retryable };
    }
  }

  /** Refuses (without retry) a Rollout that does not run the release the rollout watches. */
  private notWatched(where: string, why: string, request: RollbackRequest) {
    return new KubeError(
      `${where}: ${why}; it is not the release rollout ${request.rolloutId} watches (deployment ${request.deploymentId}), so nothing was aborted or undone`,
      false,
    );
  }

  private async abortAndUndo(
    target: ArgoEnvironmentTarget,
    name: string,
    request: RollbackRequest,
    digest: string,
  ): Promise<string> {
    const ns = encodeURIComponent(target.namespace);
    const path = `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts/${encodeURIComponent(
      name,
    )}`;
    const where = `Rollout ${target.namespace}/${name}`;

    const current = await this.expect(
      await this.call(target, 'GET', path, request),
      `reading ${where}`,
    );
    // Every check below comes before anything changes, also when `undo` is false: even an
    // abort of another entity's Rollout, or of another release, stops someone else's release.
    const boundTo = current.metadata?.annotations?.[ROLLOUT_ENTITY_ANNOTATION];
    if (!sameEntityRef(boundTo, request.entityRef)) {
      throw new KubeError(
        // The other entity is not named: the caller may not be allowed to see it.
        `${where} is not bound to ${
          request.entityRef
        }: its annotation ${ROLLOUT_ENTITY_ANNOTATION} ${
          typeof boundTo === 'string' ? 'names another entity' : 'is missing'
        }, so nothing was aborted or undone`,
        false,
      );
    }
    if (
      current.metadata?.annotations?.[ROLLBACK_ANNOTATION] ===
      request.idempotencyKey
    ) {
      return `${where} was already rolled back for this rollout`;
    }
    const images = imagesOf(current.spec?.template);
    if (!images.some(image => image.endsWith(`@${digest}`))) {
      throw this.notWatched(
        where,
        `its pod template runs ${
          images.join(', ') || 'no image'
        }, not ${digest}`,
        request,
      );
    }
    const revisions = this.config.undo
      ? await this.revisionsToUndo(target, current, request, digest)
      : undefined;

    const abort = { status: { abort: true } };
    let aborted = await this.call(
      target,
      'PATCH',
      `${path}/status`,
      request,
      abort,
      'application/merge-patch+json',
    );
    if (!aborted.ok && aborted.status === 404) {
      // Rollout CRDs without the status subresource take the patch on the object itself.
      aborted = await this.call(
        target,
        'PATCH',
        path,
        request,
        abort,
        'application/merge-patch+json',
      );
    }
    const afterAbort = await this.expect(aborted, `aborting ${where}`);
    if (!this.config.undo) return `${where} aborted`;

    const previous = revisions!.previous;
    // The abort changed the resourceVersion; the patch is tested against the one it returned.
    const version = afterAbort.metadata?.resourceVersion;
    const patch: unknown[] = [];
    if (version) {
      // Someone else changing the Rollout between the abort and this patch fails the patch.
      patch.push({
        op: 'test',
        path: '/metadata/resourceVersion',
        value: version,
      });
    }
    if (!afterAbort.metadata?.annotations)
      patch.push({ op: 'add', path: '/metadata/annotations', value: {} });
    patch.push({
      op: 'add',
      path: `/metadata/annotations/${jsonPointerSegment(ROLLBACK_ANNOTATION)}`,
      value: request.idempotencyKey,
    });
    const same =
      canonicalJson(withoutHash(current.spec?.template)) ===
      canonicalJson(previous.template);
    if (!same)
      patch.push({
        op: 'replace',
        path: '/spec/template',
        value: previous.template,
      });
    await this.expect(
      await this.call(
        target,
        'PATCH',
        path,
        request,
        patch,
        'application/json-patch+json',
      ),
      `restoring revision ${previous.revision} of ${where}`,
    );
    return same
      ? `${where} aborted; its template already matched revision ${previous.revision}`
      : `${where} aborted and restored to revision ${previous.revision}`;
  }

  /**
   * The newest ReplicaSet the Rollout controls, which the undo replaces, and the pod template
   * of the second newest, which it restores. Refused (without retry) when the newest is not
   * the release the rollout record names: its pod-template-hash must be the Rollout's
   * `status.currentPodHash`, and its containers must run the record's artifact digest.
   */
  private async revisionsToUndo(
    target: ArgoEnvironmentTarget,
    rollout: any,
    request: RollbackRequest,
    digest: string,
  ) {
    const matchLabels: Record<string, string> =
      rollout.spec?.selector?.matchLabels ?? {};
    const selector = Object.entries(matchLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const ns = encodeURIComponent(target.namespace);
    const list = await this.expect(
      await this.call(
        target,
        'GET',
        `/apis/apps/v1/namespaces/${ns}/replicasets?labelSelector=${encodeURIComponent(
          selector,
        )}`,
        request,
      ),
      'listing ReplicaSets',
    );
    const owned = (list.items ?? [])
      .filter((rs: any) =>
        (rs.metadata?.ownerReferences ?? []).some(
          (o: any) => o.controller && o.uid === rollout.metadata?.uid,
        ),
      )
      .sort((a: any, b: any) => revisionOf(b) - revisionOf(a));
    if (owned.length < 2) {
      throw new KubeError(
        `Rollout ${rollout.metadata?.name} has no previous revision to restore`,
        false,
      );
    }
    const newest = owned[0];
    const where = `Rollout ${target.namespace}/${rollout.metadata?.name}`;
    const refuse = (why: string) => this.notWatched(where, why, request);
    const newestHash =
      newest.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL] ??
      newest.spec?.template?.metadata?.labels?.[POD_TEMPLATE_HASH_LABEL];
    const currentHash = rollout.status?.currentPodHash;
    if (currentHash && newestHash !== currentHash) {
      throw refuse(
        `its newest ReplicaSet (revision ${revisionOf(
          newest,
        )}, pod-template-hash ${newestHash}) is not its current one (${currentHash})`,
      );
    }
    const images = imagesOf(newest.spec?.template);
    if (!images.some(image => image.endsWith(`@${digest}`))) {
      throw refuse(
        `revision ${revisionOf(newest)} runs ${
          images.join(', ') || 'no image'
        }, not ${digest}`,
      );
    }
    return {
      previous: {
        revision: revisionOf(owned[1]),
        template: withoutHash(owned[1].spec?.template),
      },
    };
  }

  private async expect(answer: Answer, what: string): Promise<any> {
    if (answer.ok) return answer.body;
    const detail =
      answer.status === 0
        ? answer.reason
        : `HTTP ${answer.status}${answer.reason ? ` ${answer.reason}` : ''}`;
    throw new KubeError(
      `Kubernetes API failed ${what}: ${detail}`,
      retryableStatus(answer.status),
    );
  }

  private async call(
    target: ArgoEnvironmentTarget,
    method: 'GET' | 'PATCH',
    path: string,
    request: RollbackRequest,
    body?: unknown,
    contentType?: string,
  ): Promise<Answer> {
    const timeout = AbortSignal.timeout(this.config.timeoutMs);
    const signal = request.signal
      ? AbortSignal.any([request.signal, timeout])
      : timeout;
    try {
      const response = await undiciFetch(
        `${target.apiUrl.replace(/\/+$/, '')}${path}`,
        {
          method,
          headers: {
            Authorization: `Bearer ${target.token}`,
            Accept: 'application/json',
            ...(contentType ? { 'Content-Type': contentType } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
          dispatcher: target.caCertFile
            ? this.#dispatchers.get(target.caCertFile)
            : undefined,
        },
      );
      const parsed: any = await response.json().catch(() => undefined);
      if (response.ok)
        return { ok: true, status: response.status, body: parsed ?? {} };
      // A Kubernetes Status names its reason (NotFound, Forbidden, Conflict…); its message is not echoed.
      return {
        ok: false,
        status: response.status,
        reason: typeof parsed?.reason === 'string' ? parsed.reason : '',
      };
    } catch (e) {
      const reason = timeout.aborted
        ? `no answer within ${this.config.timeoutMs} ms`
        : `request failed: ${(e as Error).message}`;
      return { ok: false, status: 0, reason };
    }
  }
}
