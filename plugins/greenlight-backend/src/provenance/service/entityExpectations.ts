import { AuthService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { expectationsFromAnnotations, ProvenanceExpectations } from '../policy';

/**
 * Reads each entity's provenance expectations from its annotations, once per unit of work,
 * with the plugin's own credentials: verification is the plugin's background work, not
 * something done on a reader's behalf. `undefined` means the catalog could not answer.
 */
export class EntityExpectations {
  private readonly cache = new Map<
    string,
    Promise<ProvenanceExpectations | undefined>
  >();

  constructor(
    private readonly catalog: CatalogService,
    private readonly auth: AuthService,
  ) {}

  get(entityRef: string | null): Promise<ProvenanceExpectations | undefined> {
    if (!entityRef) return Promise.resolve({});
    let found = this.cache.get(entityRef);
    if (!found) {
      found = this.lookUp(entityRef);
      this.cache.set(entityRef, found);
    }
    return found;
  }

  private async lookUp(
    entityRef: string,
  ): Promise<ProvenanceExpectations | undefined> {
    try {
      const credentials = await this.auth.getOwnServiceCredentials();
      const entity = await this.catalog.getEntityByRef(entityRef, {
        credentials,
      });
      // An entity not (yet) in the catalog has no expectations of its own; the policy
      // defaults still apply.
      return expectationsFromAnnotations(entity?.metadata.annotations);
    } catch {
      return undefined;
    }
  }
}
