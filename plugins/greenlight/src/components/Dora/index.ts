export { DoraCard } from './DoraCard';
export { DoraSummaryTable } from './DoraSummaryTable';
export { MetricValue } from './MetricValue';
export { TierChip } from './TierChip';
export { Cell, SCROLLER } from './noWordBreak';
