import type { EnvironmentConfig } from '../../config';
import type { AttestationStore } from '../store/AttestationStore';
import type { TraceabilityStore } from '../store/TraceabilityStore';

/** What the provenance read models are built from. */
export type ViewDeps = {
  attestations: AttestationStore;
  traceability: TraceabilityStore;
  /** The configured promotion path. */
  environments: EnvironmentConfig[];
  /** The current trust policy's fingerprint, to tell current verdicts from stale ones. */
  fingerprint: string;
  /** The key ids the trust policy lists now: a verdict signed with another no longer counts. */
  trustedKeyIds: ReadonlySet<string>;
};
