import { ErrorResponseBody } from '@backstage/errors';
import express from 'express';

/**
 * Answers with an error in the shape every Backstage backend uses, so that clients can
 * read it with `parseErrorResponseBody` from `@backstage/errors`. `extra` adds fields
 * such as the list of `issues` of a rejected batch.
 */
export function sendError(
  req: express.Request,
  res: express.Response,
  statusCode: number,
  error: { name: string; message: string },
  extra: Record<string, unknown> = {},
) {
  const body: ErrorResponseBody & Record<string, unknown> = {
    ...extra,
    error,
    request: { method: req.method, url: req.originalUrl },
    response: { statusCode },
  };
  res.status(statusCode).json(body);
}
