import { createApiRef } from '@backstage/core-plugin-api';
import {
  ArtifactProvenance,
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
}

/** @public */
export const greenlightApiRef = createApiRef<GreenlightApi>({
  id: 'plugin.greenlight.service',
});
