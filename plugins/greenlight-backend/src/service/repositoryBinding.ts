import { InputError } from '@backstage/errors';
import { EntityResolver, githubSlugOf, MappingKeys } from './EntityResolver';

const sameSlug = (a: string, b: string) =>
  a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');

/**
 * The mapping keys a GitHub webhook event may use. A webhook secret may sign the deliveries of
 * many repositories (the shared one, or an organisation's), so a delivery proves only which
 * repository sent it: the event maps through that repository. A deployment payload may name an entity explicitly
 * (`entityRef` or `serviceId`, for repositories that hold several entities), but only an
 * entity whose `github.com/project-slug` is the sending repository; anything else is
 * refused before anything is written. The artifact purl is never a mapping key here, since
 * it could name another team's artifact.
 */
export async function bindToRepository(
  keys: MappingKeys,
  resolver: EntityResolver,
): Promise<MappingKeys> {
  const slug = keys.repository ? githubSlugOf(keys.repository) : undefined;
  if (!keys.repository || !slug) {
    throw new InputError('repository: a GitHub event must name its repository');
  }
  if (!keys.entityRef && !keys.serviceId)
    return { repository: keys.repository };
  const field = keys.entityRef ? 'entityRef' : 'serviceId';
  const explicit = await resolver.resolve({
    entityRef: keys.entityRef,
    serviceId: keys.serviceId,
  });
  const entitySlug =
    explicit && resolver.githubSlugOfEntity
      ? await resolver.githubSlugOfEntity(explicit)
      : null;
  if (!explicit || entitySlug === null) {
    throw new InputError(
      `deployment.payload.greenlight.${field}: no catalog entity ${keys[field]} to attach to`,
    );
  }
  if (!sameSlug(entitySlug, slug)) {
    throw new InputError(
      `deployment.payload.greenlight.${field}: ${explicit} is not an entity of ${slug}; its github.com/project-slug annotation must name the sending repository`,
    );
  }
  return { entityRef: explicit, repository: keys.repository };
}
