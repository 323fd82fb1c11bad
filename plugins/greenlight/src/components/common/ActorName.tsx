import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { actorUserRef } from '../../lib/actor';

/** An actor: a link to the user's catalog page when the actor is a catalog user, else its text. */
export function ActorName(props: {
  actor: string;
  knownUsers: ReadonlySet<string>;
}) {
  const userRef = actorUserRef(props.actor, props.knownUsers);
  if (!userRef) return <>{props.actor}</>;
  return <EntityRefLink entityRef={userRef} defaultKind="user" />;
}
