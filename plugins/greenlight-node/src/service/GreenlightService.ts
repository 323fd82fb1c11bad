import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { CompoundEntityRef } from '@backstage/catalog-model';

/**
 * A service's promotion path, SLO gates and expected provenance, as
 * `PUT /api/greenlight/v1/services/:namespace/:kind/:name` takes them.
 *
 * @public
 */
export interface GreenlightServiceRegistration {
  /** The promotion path; `order` sets the position of each environment. */
  environments: Array<{
    name: string;
    tier: 'development' | 'staging' | 'production';
    order: number;
  }>;
  /** The OpenSLO file (relative to catalog-info.yaml) and gate settings by name. */
  gates: {
    sloFile?: string;
    settings?: Record<string, string | number | boolean>;
  };
  /** Where artifacts must be built from, and by which builders. */
  provenance: { expectedSource: string; allowedBuilders: string[] };
  /** The owning group or user, e.g. `group:default/team-payments`. */
  owner: string;
  rollout?: {
    strategy: 'canary' | 'blue-green';
    /** Traffic percentages of the canary steps. */
    canarySteps?: number[];
  };
}

/**
 * What Greenlight answered to a registration.
 *
 * @public
 */
export interface GreenlightRegistrationResult {
  /** True when this call created the registration. */
  created: boolean;
  /** False when Greenlight already had exactly this registration. */
  changed: boolean;
}

/**
 * How a call to Greenlight is made: on whose behalf, and when to give up.
 *
 * @public
 */
export interface GreenlightRequestOptions {
  /**
   * The caller's credentials, forwarded: Greenlight checks what this principal may do.
   * Use `auth.getOwnServiceCredentials()` only for a plugin's own background work.
   */
  credentials: BackstageCredentials;
  signal?: AbortSignal;
}

/**
 * A client of the Greenlight backend plugin for other backend plugins and modules. It
 * finds the plugin through the discovery service and calls it with a
 * service-to-service token made for the given credentials; transient failures (network,
 * 5xx, 408, 429) of idempotent calls are retried.
 *
 * @public
 */
export interface GreenlightService {
  /**
   * Records (or replaces) the registration of a catalog entity. Idempotent: the same
   * registration twice changes nothing.
   */
  registerService(
    entityRef: CompoundEntityRef,
    registration: GreenlightServiceRegistration,
    options: GreenlightRequestOptions,
  ): Promise<GreenlightRegistrationResult>;
}
