/**
 * Translation of foreign delivery events (CDEvents, GitHub webhooks) into Greenlight's
 * native events. Pure functions: storing the result is the caller's business.
 */

export { parseCdeventsRequest } from './cdevents/request';
export type {
  CdeventsRequest,
  CdeventsResult,
  HttpHeaders,
} from './cdevents/request';
export { translateCdevent, MAPPED_CDEVENT_TYPES } from './cdevents/translate';
export type { CdeventTranslation } from './cdevents/translate';
export {
  CDEVENTS_SIGNATURE_MEDIA_TYPE,
  DSSE_MEDIA_TYPE,
} from './cdevents/signature';

export { verifyGithubSignature } from './github/signature';
export { mapGithubWebhook, MAPPED_GITHUB_EVENTS } from './github/mapWebhook';
export type { GithubWebhook } from './github/mapWebhook';
export { githubDeploymentId } from './github/deployments';

export { summarizeOutcomes } from './outcome';
export type { IngestOutcome } from './outcome';
