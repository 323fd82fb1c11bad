import { HumanDuration } from '@backstage/types';

interface GatePolicyDefaults {
  /** Time between evaluations, e.g. `30s`. Defaults to `1m`. */
  interval?: string;
  /** Evaluations needed before promotion. Defaults to 10. */
  evaluations?: number;
  /** `consecutive:2` or `2-of-3` (the default). */
  failureRule?: string;
  /** Smallest traffic per evaluation below which an evaluation has no data. Defaults to 0. */
  minTraffic?: number;
  /** What an evaluation without data counts as. Defaults to `inconclusive`. */
  noData?: 'fail' | 'inconclusive' | 'ignore';
  /** Inconclusive evaluations tolerated before the rollout pauses. Defaults to 2. */
  maxInconclusive?: number;
  /** Evaluate and record gates without acting on them. Defaults to false. */
  shadow?: boolean;
}

export interface Config {
  /** Configuration of the Greenlight plugins. */
  greenlight?: {
    /**
     * The promotion path: environments in the order a release moves through them.
     * Defaults to development → staging → production.
     */
    environments?: Array<{
      /** Environment name as pipelines report it, e.g. `production`. */
      name: string;
      /** `development`, `staging` or `production`; DORA counts production-tier only. */
      tier: 'development' | 'staging' | 'production';
      /** Position in the promotion path; lower comes first. Defaults to list order. */
      order?: number;
    }>;
    /** Users and groups that may roll back, pause, promote and override gates (the portal's policy). */
    releaseManagers?: string[];
    /** Entity scope of service principals (see docs/security.md). */
    permissions?: {
      /**
       * Narrows a service principal, e.g. a pipeline's external-access token, to the entities
       * owned by the listed groups or users: its writes to any other entity, and its events
       * that match no entity yet, answer 403. Subjects not listed are limited only by their
       * `accessRestrictions`. A permission policy cannot do this: Backstage decides service
       * principals by their access restrictions without asking the policy.
       */
      serviceScopes?: Array<{
        /** The `subject` of the token (`backend.auth.externalAccess[].options.subject`). */
        subject: string;
        /** Owner refs, e.g. `group:default/team-a` (a bare name means a group in `default`). */
        owners: string[];
      }>;
    };
    /** How artifact provenance (DSSE / in-toto / SLSA / Sigstore) is verified. */
    provenance?: {
      /**
       * Keys whose signatures on provenance are trusted, and what each key may
       * vouch for.
       */
      trustedKeys?: Array<{
        /** Matches the DSSE `keyid` or the Sigstore bundle `publicKey.hint`. */
        keyId: string;
        /** PEM `-----BEGIN PUBLIC KEY-----` (SPKI). Give this or publicKeyFile. */
        publicKeyPem?: string;
        /** Path to a PEM SPKI public key, relative to the working directory. */
        publicKeyFile?: string;
        /**
         * Signature scheme. Inferred from the key when omitted; plain RSA keys
         * default to rsa-pkcs1v15-sha256.
         */
        algorithm?:
          | 'ecdsa-p256-sha256'
          | 'ecdsa-p384-sha384'
          | 'ed25519'
          | 'rsa-pss-sha256'
          | 'rsa-pkcs1v15-sha256';
        /** Builder ids this key may attest for: exact, glob (`*`, `**`) or `/regex/`. */
        builderIds: string[];
        /** SLSA build level granted to provenance signed by this key. */
        slsaLevel: 0 | 1 | 2 | 3 | 4;
      }>;
      /** Sigstore keyless signers (Fulcio certificate identities). */
      trustedIdentities?: Array<{
        /** OIDC issuer, compared exactly, e.g. https://token.actions.githubusercontent.com */
        issuer: string;
        /** Certificate subject: glob (`*`, `**`) or `/regex/`, always anchored. */
        subjectPattern: string;
        /**
         * Patterns the certificate's Source Repository URI (Fulcio OID
         * 1.3.6.1.4.1.57264.1.12) must match, e.g. https://github.com/acme/*
         */
        sourceRepositories?: string[];
        /** Patterns the certificate's Source Repository Ref must match, e.g. refs/heads/main */
        sourceRefs?: string[];
        builderIds: string[];
        slsaLevel: 0 | 1 | 2 | 3 | 4;
      }>;
      /**
       * Path to a Sigstore `trusted_root.json`. Needed for keyless bundles and
       * for transparency-log checks; read once at startup, never fetched.
       */
      trustedRootFile?: string;
      /**
       * Distinct signers (trusted keys, or certificates of trusted identities)
       * that must vouch for an attestation. Defaults to 1.
       */
      threshold?: number;
      /**
       * Require a verified transparency-log entry on keyed Sigstore bundles
       * (needs trustedRootFile). Defaults to false.
       */
      requireTransparencyLog?: boolean;
      /** Expectations for entities that do not set their own annotations. */
      defaults?: {
        /** Expected source repository, e.g. https://github.com/acme/payments */
        sourceRepository?: string;
        /** Builder ids allowed: exact, glob or `/regex/`. */
        allowedBuilderIds?: string[];
        /** Build types allowed, compared exactly. */
        buildTypes?: string[];
      };
      /** The scheduled task that verifies stored attestations again. */
      reverify?: {
        /**
         * How often it runs: `{ minutes: 15 }` (the default), an ISO duration like `PT15M`,
         * or a duration such as `15m`.
         */
        frequency?: { [unit: string]: number } | string;
        /** Attestations verified again per batch, 1 to 10000. Defaults to 500. */
        batchSize?: number;
      };
    };
    /** Gate policy defaults; an SLO's `greenlight.dev/*` annotations override them. */
    gates?: {
      /** Defaults for every environment. */
      defaults?: GatePolicyDefaults;
      /** Defaults for production-tier environments, applied over `defaults`. */
      production?: GatePolicyDefaults;
      /**
       * Gates kept in configuration rather than in the entity's `greenlight.dev/slo` file;
       * an entry here wins over the annotation.
       */
      entities?: Array<{
        /** e.g. `component:default/payments`. */
        entityRef: string;
        /** OpenSLO v1: YAML text (documents separated by `---`), one document, or a list. */
        slo: string | object | object[];
      }>;
    };
    /** Rollout watchers: how gates are evaluated during canary and blue-green rollouts. */
    rollouts?: {
      /** How often the watcher looks for due gates, e.g. `5s` (the default). */
      watchInterval?: string;
      /** Rollouts evaluated at the same time by one instance. Defaults to 32. */
      concurrency?: number;
      /**
       * How long an instance may hold a rollout while it evaluates it or calls an
       * executor, e.g. `60s` (the default). Longer than a provider query takes.
       */
      lease?: string;
      /** Retries of a rollback whose executor failed in a way that may pass. */
      retry?: {
        /** Attempts in all, the first included. Defaults to 6. */
        maxAttempts?: number;
        /** Wait before the second attempt, doubled for each further one. Defaults to `5s`. */
        initialBackoff?: string;
        /** Longest wait between attempts. Defaults to `5m`. */
        maxBackoff?: string;
      };
      /**
       * Policy gates every rollout to an environment gets, keyed by the environment's name
       * (one of `greenlight.environments`). A failing policy gate holds the promotion; it never
       * rolls back. A shadow policy gate is evaluated and recorded but never holds anything.
       */
      policyGates?: {
        [environment: string]: {
          /**
           * The artifact has a verified provenance verdict at `minSlsaLevel` or higher
           * (default 0); an entity's `greenlight.dev/slsa-level` annotation can raise it.
           */
          provenance?: { shadow?: boolean; minSlsaLevel?: number };
          /** The digest passed the previous stage of the promotion path: not rebuilt, no stage skipped. */
          promotion?: { shadow?: boolean };
          /** The change's latest readiness decision allows it, and no window or freeze holds it now. */
          readiness?: { shadow?: boolean };
        };
      };
      /**
       * Id of the rollback executor, among those modules register: `webhook`
       * (`…-backend-module-webhook-executor`), `argo-rollouts` (`…-backend-module-argo-rollouts`)
       * or your own. Defaults to the only one registered, else the webhook, else Argo Rollouts.
       */
      executor?: string;
    };
    /** Change readiness: the controls each class of change needs (see docs/governance.md). */
    readiness?: {
      /**
       * Control ids per change class; a class left out keeps its defaults, an empty list
       * needs nothing. Unknown classes or controls stop the backend at startup.
       */
      controls?: {
        /** Defaults to canary-abort-metric, automatic-rollback. */
        code?: string[];
        /** Defaults to config-validated, config-diff. */
        config?: string[];
        /** Defaults to expand-contract. */
        database?: string[];
        /** Defaults to contract-versioned, compatibility-tests. */
        'cross-service'?: string[];
        /** Defaults to signed-provenance, security-scan, security-approval. */
        'security-sensitive'?: string[];
      };
      /**
       * Whether production deployments need passing test evidence, for entities without the
       * `greenlight.dev/require-tests` annotation. Defaults to false (violations are reported, not blocked).
       */
      requireTests?: boolean;
      /** Extra change labels per class, added to the defaults, e.g. `database: [schema]`. */
      labels?: {
        code?: string[];
        config?: string[];
        database?: string[];
        'cross-service'?: string[];
        'security-sensitive'?: string[];
      };
    };
    /**
     * Change windows, freezes and rollout constraints (docs/governance.md). Invalid rules, time
     * zones or freezes stop the backend at startup.
     */
    governance?: {
      /** Time zone (IANA) of teams not listed in teamTimeZones. Defaults to UTC. */
      defaultTimeZone?: string;
      /** Time zone per owning group, e.g. `{ group: group:default/payments, timeZone: Europe/Berlin }`. */
      teamTimeZones?: Array<{ group: string; timeZone: string }>;
      /** When changes may ship: a change must be inside every rule that applies to it. */
      windows?: Array<{
        name: string;
        /** Change classes; absent: every class. */
        classes?: string[];
        /** Environments; absent: every environment. */
        environments?: string[];
        /** Overrides the owning team's time zone. */
        timeZone?: string;
        /** Days (mon…sun), start and end (HH:MM, end exclusive; end <= start crosses midnight). */
        open: Array<{ days: string[]; start: string; end: string }>;
      }>;
      /** Periods in which nothing in scope ships. */
      freezes?: Array<{
        name: string;
        /** ISO 8601 instant with an offset, inclusive. */
        from: string;
        /** ISO 8601 instant with an offset, exclusive. */
        until: string;
        reason?: string;
        environments?: string[];
        classes?: string[];
      }>;
      /** The rollout a change class needs, e.g. `database: { strategy: canary, minSoakMinutes: 30 }`. */
      rolloutConstraints?: {
        [changeClass: string]: {
          strategy: 'canary' | 'blue-green' | 'any';
          minSoakMinutes?: number;
        };
      };
    };
    /** Break-glass changes made outside the normal path. */
    breakGlass?: {
      /** Hours to reconcile a break-glass change when the caller gives no deadline. Defaults to 72. */
      reconcileWithinHours?: number;
    };
    /** DORA metrics (docs/dora.md). */
    dora?: {
      /** Whose performance levels metrics are rated against: the 2023 or 2024 State of DevOps report. Defaults to 2024. */
      reportYear?: 2023 | 2024;
      /** Below these sample sizes a metric is rated `insufficient-data` instead of a level. */
      minimumSamples?: {
        /** Production deployments, for change fail rate. Defaults to 10. */
        deployments?: number;
        /** Commits with a lead time. Defaults to 10. */
        commits?: number;
        /** Recovered failed deployments. Defaults to 5. */
        recoveries?: number;
        /** Window length in days, for deployment frequency. Defaults to 7. */
        windowDays?: number;
      };
      /**
       * How long after a deployment a rollback, revert or hotfix that names it still makes
       * it a failed change: `7d`, an ISO 8601 duration, or `{ days: 7 }`. Defaults to 7 days.
       * Changing it rebuilds every stored rollup.
       */
      attributionHorizon?: string | HumanDuration;
      /**
       * How long before an incident's detection a deployment of the same service counts as a
       * recent change, when candidates for an unattributed incident are offered: `24h`, an
       * ISO 8601 duration, or `{ hours: 24 }`. Defaults to 24 hours. It only ranks candidates;
       * nothing is attributed without a person's decision.
       */
      candidateWindow?: string | HumanDuration;
      /**
       * How long a DORA read may go on starting rebuilds of the rollups of its entities that
       * newer events made stale before it answers (default 1 s; a rebuild started runs to its
       * end; 0 answers from the rollups as they are). Entities left over are named in the answer's data quality as
       * `rollups-refreshing`; the scheduled task rebuilds them within a minute.
       */
      rebuildOnRead?: string | HumanDuration;
    };
    ingest?: {
      /** Largest accepted request body, e.g. `5mb`. Defaults to `5mb`. */
      maxBodySize?: string;
    };
    webhooks?: {
      github?: {
        /**
         * The secret GitHub signs webhook deliveries with (`X-Hub-Signature-256`), for every
         * repository that no entry of `repositories` covers.
         * @visibility secret
         */
        secret?: string;
        /**
         * Secrets of repositories (`acme/payments`) or organisations (`acme`) with a webhook
         * of their own. A delivery naming a repository must be signed with the secret of the
         * longest entry covering it; `secret` is then not accepted for it.
         */
        repositories?: Array<{
          /** `owner/repository`, or `owner` for every repository of the organisation. */
          path: string;
          /** @visibility secret */
          secret: string;
        }>;
      };
    };
  };
}
