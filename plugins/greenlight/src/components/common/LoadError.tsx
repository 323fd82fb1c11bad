import { EmptyState, ResponseErrorPanel } from '@backstage/core-components';
import { ResponseError } from '@backstage/errors';

export function isForbidden(error: unknown): boolean {
  return ResponseError.is(error) && error.statusCode === 403;
}

export function isNotFound(error: unknown): boolean {
  return ResponseError.is(error) && error.statusCode === 404;
}

/**
 * A failed load. A 403 is not a fault to report but a permission the reader lacks,
 * so it reads as such, with the backend's own explanation.
 */
export function LoadError(props: { error: Error; what?: string }) {
  if (isForbidden(props.error)) {
    return (
      <EmptyState
        missing="info"
        title="Permission required"
        description={`You are not allowed to see ${props.what ?? 'this delivery data'}. ${
          ResponseError.is(props.error) ? props.error.cause.message : props.error.message
        }`}
      />
    );
  }
  return <ResponseErrorPanel error={props.error} />;
}
