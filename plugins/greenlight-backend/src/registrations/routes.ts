import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import Router from 'express-promise-router';
import { GreenlightContext } from '../context';
import { greenlightServiceRegisterPermission } from '@greenlight/backstage-plugin-greenlight-common';
import { actorOf, authorizeEntityWrite, reader } from '../router/access';
import { parseInput } from '../router/validation';
import { RegistrationStore, ServiceRegistration } from './RegistrationStore';
import { entityRefFromPath, normaliseOwner, registrationBodySchema } from './schema';

type Deps = Pick<GreenlightContext, 'httpAuth' | 'permissions' | 'catalog' | 'auth' | 'serviceScopes'>;

/**
 * Whether the entity is in the catalog. A service is registered while it is being created,
 * before the catalog has it, so absence is fine; an entity the caller cannot see is not.
 */
async function catalogPresence(
  deps: Deps,
  credentials: BackstageCredentials,
  entityRef: string,
): Promise<'visible' | 'absent'> {
  if (await deps.catalog.getEntityByRef(entityRef, { credentials })) return 'visible';
  const own = await deps.auth.getOwnServiceCredentials();
  if (await deps.catalog.getEntityByRef(entityRef, { credentials: own })) {
    throw new NotFoundError(`No entity ${entityRef} is visible to you`);
  }
  return 'absent';
}

export function registrationRoutes(deps: Deps, store: RegistrationStore) {
  const router = Router();

  router.put('/v1/services/:namespace/:kind/:name', async (req, res) => {
    const credentials = await reader(deps, req);
    const entityRef = entityRefFromPath(req.params);
    const body = parseInput(registrationBodySchema, req.body, 'body');
    body.owner = normaliseOwner(body.owner);
    const presence = await catalogPresence(deps, credentials, entityRef);
    await authorizeEntityWrite(deps, credentials, greenlightServiceRegisterPermission, entityRef);
    const actor = actorOf(credentials);

    const result = await store.put({
      entityRef,
      body,
      actor,
      // Until the catalog vouches for the entity, only whoever registered it may change it,
      // so that nobody can take over a name that is being created.
      mayChange: (existing: ServiceRegistration) => {
        if (presence === 'absent' && existing.createdBy !== actor) {
          throw new NotAllowedError(
            `${entityRef} was registered by ${existing.createdBy} and is not in the catalog yet; only they may change it`,
          );
        }
      },
    });
    res.status(result.created ? 201 : 200).json(result);
  });

  router.get('/v1/services/:namespace/:kind/:name', async (req, res) => {
    const credentials = await reader(deps, req);
    const entityRef = entityRefFromPath(req.params);
    await catalogPresence(deps, credentials, entityRef);
    const registration = await store.get(entityRef);
    if (!registration) throw new NotFoundError(`No registration for ${entityRef}`);
    res.json({ registration });
  });

  return router;
}
