export type {
  ChangeItem,
  ChecklistResponse,
  CommitView,
  DoraResponse,
  EnvironmentState,
  Release,
  ReleaseDetail,
  ReleasePage,
  RolloutView,
} from '@greenlight/backstage-plugin-greenlight-common';

/** Filters of the release history. */
export type ReleaseQuery = {
  entityRef: string;
  environment?: string;
  status?: string;
  from?: string;
  to?: string;
  limit?: number;
  cursor?: string;
};
