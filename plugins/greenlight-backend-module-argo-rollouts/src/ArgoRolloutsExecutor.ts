import type {
  RollbackExecutor,
  RollbackRequest,
  RollbackResult,
} from '@greenlight/backstage-plugin-greenlight-node';
import canonicalize from 'canonicalize';
import { readFileSync } from 'node:fs';
import { Agent, fetch as undiciFetch } from 'undici';
import type { ArgoExecutorConfig } from './config';

/**
 * Marks a Rollout whose template this executor restored, with the rollback's idempotency key.
 *
 * @public
 */
export const ROLLBACK_ANNOTATION = 'greenlight.dev/rollback-id';
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
 * @public
 */
export class ArgoRolloutsExecutor implements RollbackExecutor {
  readonly id = 'argo-rollouts';
  readonly #dispatcher?: Agent;

  constructor(
    private readonly config: ArgoExecutorConfig,
    /** The Rollout's name for an entity: annotation `argocd/rollout-name`, else the entity name. */
    private readonly rolloutName: (entityRef: string) => Promise<string>,
  ) {
    if (config.caCertFile) {
      this.#dispatcher = new Agent({
        connect: { ca: readFileSync(config.caCertFile, 'utf8') },
      });
    }
  }

  async rollback(request: RollbackRequest): Promise<RollbackResult> {
    try {
      const name = await this.rolloutName(request.entityRef);
      const message = await this.abortAndUndo(name, request);
      return { status: 'succeeded', message, retryable: false };
    } catch (e) {
      const retryable = e instanceof KubeError ? e.retryable : true;
      return { status: 'failed', message: (e as Error).message, retryable };
    }
  }

  private async abortAndUndo(
    name: string,
    request: RollbackRequest,
  ): Promise<string> {
    const ns = encodeURIComponent(this.config.namespace);
    const path = `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts/${encodeURIComponent(
      name,
    )}`;
    const where = `Rollout ${this.config.namespace}/${name}`;

    const current = await this.expect(
      await this.call('GET', path, request),
      `reading ${where}`,
    );
    if (
      current.metadata?.annotations?.[ROLLBACK_ANNOTATION] ===
      request.idempotencyKey
    ) {
      return `${where} was already rolled back for this rollout`;
    }

    // Checked before anything changes: undoing (or even aborting) a revision other than
    // the one this rollout watches would roll back someone else's release.
    const revisions = this.config.undo
      ? await this.revisionsToUndo(current, request)
      : undefined;

    const abort = { status: { abort: true } };
    let aborted = await this.call(
      'PATCH',
      `${path}/status`,
      request,
      abort,
      'application/merge-patch+json',
    );
    if (!aborted.ok && aborted.status === 404) {
      // Rollout CRDs without the status subresource take the patch on the object itself.
      aborted = await this.call(
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
   * `status.currentPodHash`, and, when the record names an artifact digest, its containers
   * must run that digest.
   */
  private async revisionsToUndo(rollout: any, request: RollbackRequest) {
    const matchLabels: Record<string, string> =
      rollout.spec?.selector?.matchLabels ?? {};
    const selector = Object.entries(matchLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const ns = encodeURIComponent(this.config.namespace);
    const list = await this.expect(
      await this.call(
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
    const where = `Rollout ${this.config.namespace}/${rollout.metadata?.name}`;
    const refuse = (why: string) =>
      new KubeError(
        `${where}: ${why}; it is not the release rollout ${request.rolloutId} watches (deployment ${request.deploymentId}), so nothing was aborted or undone`,
        false,
      );
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
    if (request.artifactDigest) {
      const images = imagesOf(newest.spec?.template);
      if (!images.some(image => image.endsWith(`@${request.artifactDigest}`))) {
        throw refuse(
          `revision ${revisionOf(newest)} runs ${
            images.join(', ') || 'no image'
          }, not ${request.artifactDigest}`,
        );
      }
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
        `${this.config.apiUrl.replace(/\/+$/, '')}${path}`,
        {
          method,
          headers: {
            Authorization: `Bearer ${this.config.token}`,
            Accept: 'application/json',
            ...(contentType ? { 'Content-Type': contentType } : {}),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
          dispatcher: this.#dispatcher,
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
