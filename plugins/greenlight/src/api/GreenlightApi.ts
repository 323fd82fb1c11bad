import { createApiRef } from '@backstage/core-plugin-api';
import {
  ArtifactProvenance,
  ChangeItem,
  ChangesQuery,
  ChecklistResponse,
  DoraQuery,
  DoraResponse,
  EnvironmentState,
  ReleaseDetail,
  ReleasePage,
  ReleaseQuery,
  RolloutActionRequest,
  RolloutQuery,
  RolloutView,
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
}

/** @public */
export const greenlightApiRef = createApiRef<GreenlightApi>({
  id: 'plugin.greenlight.service',
});
