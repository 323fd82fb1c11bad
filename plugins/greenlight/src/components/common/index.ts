export { CommitLink, PullRequestLink } from './CommitLink';
export { isForbidden, isNotFound, LoadError } from './LoadError';
export { PromotionChip } from './PromotionChip';
export { ProvenanceBadge, provenanceLabel } from './ProvenanceBadge';
export { StatusChip, statusLabel } from './StatusChip';
export { ToneChip } from './ToneChip';
export type { Tone } from './ToneChip';
export { useFocusRing } from './focusRing';
export { SkipLink } from './SkipLink';
