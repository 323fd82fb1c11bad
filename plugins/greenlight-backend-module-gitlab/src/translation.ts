import { GreenlightEventInput } from '@greenlight/backstage-plugin-greenlight-common';

/** What one GitLab delivery becomes: native events, or the reason it is not used. */
export type Translation =
  | { events: GreenlightEventInput[] }
  | { ignored: string };

export const ignore = (reason: string): Translation => ({ ignored: reason });

/** The first problem of a payload that does not have the documented shape. */
export const unreadable = (
  kind: string,
  error: { issues: Array<{ path: PropertyKey[]; message: string }> },
): Translation => {
  const issue = error.issues[0];
  return ignore(
    `${kind} payload without the documented shape (${issue.path
      .map(String)
      .join('.')}: ${issue.message})`,
  );
};
