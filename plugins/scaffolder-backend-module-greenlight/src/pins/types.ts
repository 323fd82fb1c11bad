/** One reference that is not pinned, or a file that cannot be read as a pipeline. */
export type PinProblem = {
  /** Path relative to the workspace, with forward slashes. */
  file: string;
  /** 1-based; 0 when the problem is about the whole file. */
  line: number;
  message: string;
};

export type PinReport = {
  /** How many references (actions, reusable workflows, includes, images) were checked. */
  references: number;
  problems: PinProblem[];
};

export type PinRules = {
  /** Require a `# vX.Y.Z` comment after every SHA, so that a reader knows which release it is. */
  requireVersionComment: boolean;
  /** Require container images to be pinned by `@sha256:` digest. */
  requireImageDigests: boolean;
};

export const FULL_SHA = /^[0-9a-f]{40}$/;
export const IMAGE_DIGEST = /@sha256:[0-9a-f]{64}$/;
