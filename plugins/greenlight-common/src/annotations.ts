/**
 * Catalog annotations that Greenlight reads.
 *
 * @public
 */
export const GREENLIGHT_ANNOTATIONS = {
  /** The id a pipeline uses for the service (CDEvents subject id, native `serviceId`). */
  serviceId: 'greenlight.dev/service-id',
  /** The artifact's package URL without version, e.g. `pkg:oci/acme/payments`. */
  artifact: 'greenlight.dev/artifact',
  /** OpenSLO file: a URL or a path relative to the entity's source location. */
  slo: 'greenlight.dev/slo',
  /** The repository artifacts must be built from, e.g. `github.com/acme/payments`. */
  expectedSource: 'greenlight.dev/expected-source',
  /** Comma-separated builder ids allowed to build this entity's artifacts. */
  allowedBuilders: 'greenlight.dev/allowed-builders',
  /** The lowest SLSA build level (0-4) the entity's artifacts must be verified at, e.g. `2`. */
  slsaLevel: 'greenlight.dev/slsa-level',
  /** Comma-separated globs that classify changed paths, see docs/governance.md. */
  changeClasses: 'greenlight.dev/change-classes',
  /** The standard GitHub annotation, used to map GitHub webhooks. */
  githubProjectSlug: 'github.com/project-slug',
} as const;
