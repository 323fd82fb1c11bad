import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/*
 * Who did something, as the API names them, comes in three shapes:
 * - a user entity ref (`user:default/ada`): the audit trail names a signed-in person so;
 * - a bare name (`ada`): what a pipeline or a source such as GitHub reported as the deploying
 *   actor, which may or may not be a user of this portal;
 * - a system subject with a colon and no slash (`greenlight:rollout-watcher`, `greenlight`,
 *   `service:external:ci`, `webhook:github`, `source:argocd`).
 * The rule: a user ref always links; a bare name links only when the catalog holds a user of
 * that name in the default namespace (a login shared with a stranger must not link to the
 * wrong person's page); everything else is text.
 */

const BARE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The user entity ref an actor names outright, if it is written as one. */
export function explicitUserRef(actor: string): string | undefined {
  if (!/^user:/i.test(actor)) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(actor, { defaultNamespace: 'default' }),
    ).toLocaleLowerCase('en-US');
  } catch {
    return undefined;
  }
}

/** The user ref a bare name would be, which only the catalog can confirm. */
export function candidateUserRef(actor: string): string | undefined {
  // ASCII only (BARE_NAME), so the plain lower case, which needs no locale data: a release
  // page asks this of every row as it first paints.
  return BARE_NAME.test(actor)
    ? `user:default/${actor}`.toLowerCase()
    : undefined;
}

/** The user entity an actor is, given the candidate refs the catalog confirmed; else undefined. */
export function actorUserRef(
  actor: string,
  knownUsers: ReadonlySet<string>,
): string | undefined {
  const explicit = explicitUserRef(actor);
  if (explicit) return explicit;
  const candidate = candidateUserRef(actor);
  return candidate && knownUsers.has(candidate) ? candidate : undefined;
}
