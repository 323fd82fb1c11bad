import { createApiRef } from '@backstage/core-plugin-api';
import {
  ArtifactProvenance,
  BreakGlassEntityResponse,
  BreakGlassGroupResponse,
  BreakGlassView,
  ChangeWindowsResponse,
  ChecklistSummaryResponse,
  DoraReviewSignOff,
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

/**
 * The Greenlight backend as the frontend sees it. Every method rejects with a
 * `ResponseError` when the backend answers with an error status.
 *
 * @public
 */
export interface GreenlightApi {
  getEnvironments(entityRef: string): Promise<EnvironmentState[]>;
  listReleases(query: ReleaseQuery): Promise<ReleasePage>;
  /** How many releases match the filters of `query`, over all pages. */
  countReleases(query: Omit<ReleaseQuery, 'limit' | 'cursor'>): Promise<number>;
  getRelease(id: string): Promise<ReleaseDetail>;
  listChanges(query: ChangesQuery): Promise<ChangeItem[]>;
  getRollout(id: string): Promise<RolloutView>;
  listRollouts(query: RolloutQuery): Promise<RolloutView[]>;
  /** Answers with the rollout as it is after the action. */
  performRolloutAction(id: string, request: RolloutActionRequest): Promise<RolloutView>;
  getDora(query: DoraQuery): Promise<DoraResponse>;
  /** The same figures as `getDora`, as the backend's CSV text. */
  getDoraCsv(query: DoraQuery): Promise<string>;
  getChecklist(entityRef: string): Promise<ChecklistResponse>;
  getArtifact(digest: string): Promise<ArtifactProvenance>;
  /**
   * The installed ingestion sources and the progress of their pulls. Optional, so an
   * implementation written before sources existed still satisfies the interface.
   */
  listSources?(): Promise<SourceStatus[]>;
  /** The entity's incidents no evidence ties to a deployment, with ranked candidates. */
  getUnattributedIncidents(entityRef: string): Promise<UnattributedIncidentsResponse>;
  /** Records a person's decision; DORA counts it by the time this resolves. */
  attributeIncident(incidentId: string, request: IncidentAttributionRequest): Promise<IncidentAttribution>;
  undoIncidentAttribution(incidentId: string): Promise<void>;
  /** The entity's latest readiness decisions, newest first. */
  listReadiness(entityRef: string): Promise<ReadinessListResponse>;
  /** Whether a code change of the entity may ship now, per environment. */
  getChangeWindows(entityRef: string): Promise<ChangeWindowsResponse>;
  getDrift(entityRef: string): Promise<DriftResponse>;
  getViolations(entityRef: string): Promise<ViolationsResponse>;
  listBreakGlass(entityRef: string): Promise<BreakGlassEntityResponse>;
  listTeamBreakGlass(groupRef: string): Promise<BreakGlassGroupResponse>;
  /** Answers with the change as it is after the reconciliation. */
  reconcileBreakGlass(id: string, request: { link: string; note?: string }): Promise<BreakGlassView>;
  getChecklistSummary(groupRef: string): Promise<ChecklistSummaryResponse>;
  listEmergencyStops(): Promise<EmergencyStopView[]>;
  pullEmergencyStop(request: { reason: string; environment?: string }): Promise<EmergencyStopView>;
  liftEmergencyStop(environment?: string): Promise<void>;
  /** Rollouts in progress on every entity the reader may see. */
  listActiveRollouts(): Promise<RolloutView[]>;
  /** The newest releases of every entity the reader may see. */
  listLatestReleases(limit?: number): Promise<Release[]>;
  listUnmapped(limit?: number): Promise<UnmappedEvent[]>;
  listDoraSignOffs(groupRef: string): Promise<DoraReviewSignOff[]>;
  signOffDoraReview(request: DoraSignOffRequest): Promise<DoraReviewSignOff>;
}

/** @public */
export const greenlightApiRef = createApiRef<GreenlightApi>({
  id: 'plugin.greenlight.service',
});
