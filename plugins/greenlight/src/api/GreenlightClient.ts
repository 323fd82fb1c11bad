import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import type { z } from 'zod';
import { GreenlightApi } from './GreenlightApi';
import { parseArtifact } from './parseArtifact';
import {
  changesResponse,
  checklistResponse,
  describeMismatch,
  doraResponse,
  environmentsResponse,
  releaseDetail,
  releasePage,
  rolloutsResponse,
  rolloutView,
} from './responseSchemas';
import {
  ArtifactProvenance,
  BreakGlassEntityResponse,
  BreakGlassGroupResponse,
  BreakGlassView,
  ChangeWindowsResponse,
  ChecklistSummaryResponse,
  DoraReviewSignOff,
  DoraReviewSignOffsResponse,
  DoraSignOffRequest,
  DriftResponse,
  EmergencyStopView,
  ReadinessListResponse,
  Release,
  UnmappedEvent,
  ViolationsResponse,
  ChangeItem,
  ChangesQuery,
  ChecklistResponse,
  DoraQuery,
  DoraResponse,
  EnvironmentState,
  IncidentAttribution,
  IncidentAttributionRequest,
  ReleaseDetail,
  ReleasePage,
  ReleaseQuery,
  RolloutActionRequest,
  RolloutQuery,
  RolloutView,
  SourceStatus,
  UnattributedIncidentsResponse,
} from './types';

type Query = Record<string, string | number | undefined>;

/** Talks to the Greenlight backend with the signed-in user's credentials. @public */
export class GreenlightClient implements GreenlightApi {
  constructor(private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {}

  async getEnvironments(entityRef: string): Promise<EnvironmentState[]> {
    const body = await this.getJson<{ environments: EnvironmentState[] }>(
      '/v1/environments',
      { entityRef },
      environmentsResponse,
    );
    return body.environments;
  }

  listReleases(query: ReleaseQuery): Promise<ReleasePage> {
    return this.getJson<ReleasePage>('/v1/releases', query, releasePage);
  }

  async countReleases(query: Omit<ReleaseQuery, 'limit' | 'cursor'>): Promise<number> {
    const body = await this.getJson<{ total: number }>('/v1/releases/count', query);
    return body.total;
  }

  getRelease(id: string): Promise<ReleaseDetail> {
    return this.getJson<ReleaseDetail>(`/v1/releases/${encodeURIComponent(id)}`, {}, releaseDetail);
  }

  async listChanges(query: ChangesQuery): Promise<ChangeItem[]> {
    const body = await this.getJson<{ items: ChangeItem[] }>(
      '/v1/changes',
      {
        entityRefs: query.entityRefs.join(','),
        from: query.from,
        to: query.to,
        limit: query.limit,
      },
      changesResponse,
    );
    return body.items;
  }

  getRollout(id: string): Promise<RolloutView> {
    return this.getJson<RolloutView>(`/v1/rollouts/${encodeURIComponent(id)}`, {}, rolloutView);
  }

  async listRollouts(query: RolloutQuery): Promise<RolloutView[]> {
    const body = await this.getJson<{ items: RolloutView[] }>('/v1/rollouts', query, rolloutsResponse);
    return body.items;
  }

  async performRolloutAction(id: string, request: RolloutActionRequest): Promise<RolloutView> {
    const response = await this.send(`/v1/rollouts/${encodeURIComponent(id)}/actions`, {}, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    return checked<RolloutView>(await response.json(), rolloutView, 'the rollout action');
  }

  getDora(query: DoraQuery): Promise<DoraResponse> {
    return this.getJson<DoraResponse>('/v1/dora', doraParams(query), doraResponse);
  }

  async getDoraCsv(query: DoraQuery): Promise<string> {
    const response = await this.send('/v1/dora.csv', doraParams(query), {
      headers: { Accept: 'text/csv' },
    });
    return response.text();
  }

  getChecklist(entityRef: string): Promise<ChecklistResponse> {
    return this.getJson<ChecklistResponse>('/v1/checklist', { entityRef }, checklistResponse);
  }

  async getArtifact(digest: string): Promise<ArtifactProvenance> {
    const body = await this.getJson<unknown>(`/v1/artifacts/${encodeURIComponent(digest)}`);
    return parseArtifact(digest, body);
  }

  async listSources(): Promise<SourceStatus[]> {
    const body = await this.getJson<{ items: SourceStatus[] }>('/v1/sources');
    return body.items;
  }

  getUnattributedIncidents(entityRef: string): Promise<UnattributedIncidentsResponse> {
    return this.getJson<UnattributedIncidentsResponse>('/v1/incidents/unattributed', { entityRef });
  }

  async attributeIncident(
    incidentId: string,
    request: IncidentAttributionRequest,
  ): Promise<IncidentAttribution> {
    const response = await this.send(`/v1/incidents/${encodeURIComponent(incidentId)}/attribution`, {}, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(request),
    });
    return (await response.json()) as IncidentAttribution;
  }

  async undoIncidentAttribution(incidentId: string): Promise<void> {
    await this.send(`/v1/incidents/${encodeURIComponent(incidentId)}/attribution`, {}, { method: 'DELETE' });
  }

  listReadiness(entityRef: string): Promise<ReadinessListResponse> {
    return this.getJson<ReadinessListResponse>('/v1/readiness', { entityRef });
  }

  getChangeWindows(entityRef: string): Promise<ChangeWindowsResponse> {
    return this.getJson<ChangeWindowsResponse>('/v1/change-windows', { entityRef });
  }

  getDrift(entityRef: string): Promise<DriftResponse> {
    return this.getJson<DriftResponse>('/v1/drift', { entityRef });
  }

  getViolations(entityRef: string): Promise<ViolationsResponse> {
    return this.getJson<ViolationsResponse>('/v1/violations', { entityRef });
  }

  listBreakGlass(entityRef: string): Promise<BreakGlassEntityResponse> {
    return this.getJson<BreakGlassEntityResponse>('/v1/break-glass', { entityRef });
  }

  listTeamBreakGlass(groupRef: string): Promise<BreakGlassGroupResponse> {
    return this.getJson<BreakGlassGroupResponse>('/v1/break-glass', { groupRef });
  }

  reconcileBreakGlass(id: string, request: { link: string; note?: string }): Promise<BreakGlassView> {
    return this.postJson<BreakGlassView>(`/v1/break-glass/${encodeURIComponent(id)}/reconcile`, request);
  }

  getChecklistSummary(groupRef: string): Promise<ChecklistSummaryResponse> {
    return this.getJson<ChecklistSummaryResponse>('/v1/checklist/summary', { groupRef });
  }

  async listEmergencyStops(): Promise<EmergencyStopView[]> {
    return (await this.getJson<{ stops: EmergencyStopView[] }>('/v1/emergency-stop')).stops;
  }

  pullEmergencyStop(request: { reason: string; environment?: string }): Promise<EmergencyStopView> {
    return this.postJson<EmergencyStopView>('/v1/emergency-stop', request);
  }

  async liftEmergencyStop(environment?: string): Promise<void> {
    await this.send('/v1/emergency-stop', { environment }, { method: 'DELETE' });
  }

  async listActiveRollouts(): Promise<RolloutView[]> {
    return (await this.getJson<{ items: RolloutView[] }>('/v1/rollouts', { active: 'true', limit: 100 })).items;
  }

  async listLatestReleases(limit = 20): Promise<Release[]> {
    return (await this.getJson<{ items: Release[] }>('/v1/releases/latest', { limit })).items;
  }

  async listUnmapped(limit = 50): Promise<UnmappedEvent[]> {
    return (await this.getJson<{ items: UnmappedEvent[] }>('/v1/unmapped', { limit })).items;
  }

  async listDoraSignOffs(groupRef: string): Promise<DoraReviewSignOff[]> {
    return (await this.getJson<DoraReviewSignOffsResponse>('/v1/dora/reviews', { groupRef })).items;
  }

  signOffDoraReview(request: DoraSignOffRequest): Promise<DoraReviewSignOff> {
    return this.postJson<DoraReviewSignOff>('/v1/dora/reviews', request);
  }

  private async postJson<T>(path: string, body: object): Promise<T> {
    const response = await this.send(path, {}, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    return (await response.json()) as T;
  }

  private async getJson<T>(path: string, query: Query = {}, schema?: z.ZodType): Promise<T> {
    const response = await this.send(path, query);
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new Error(`Greenlight answered ${path} with a body that is not JSON`);
    }
    return schema ? checked<T>(body, schema, path) : (body as T);
  }

  private async send(path: string, query: Query, init?: RequestInit): Promise<Response> {
    const base = await this.deps.discoveryApi.getBaseUrl('greenlight');
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(key, String(value));
    }
    const search = params.toString();
    const response = await this.deps.fetchApi.fetch(`${base}${path}${search ? `?${search}` : ''}`, init);
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }
}

/** Checks a body against what the components need; says what is wrong and where. */
function checked<T>(body: unknown, schema: z.ZodType, what: string): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new Error(
      `Greenlight answered ${what} with an unexpected body (${describeMismatch(
        result.error,
      )}); are the Greenlight frontend and backend plugins of matching versions?`,
    );
  }
  return body as T;
}

function doraParams(query: DoraQuery): Query {
  return {
    entityRef: query.entityRef,
    groupRef: query.groupRef,
    systemRef: query.systemRef,
    from: query.from,
    to: query.to,
    bucket: query.bucket,
  };
}
