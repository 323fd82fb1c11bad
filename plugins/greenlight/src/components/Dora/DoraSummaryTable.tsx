import { Table, TableBody, TableHead, TableRow } from '@material-ui/core';
import type { DoraResponse } from '../../api';
import { DORA_METRICS, sampleText } from '../../lib/doraMetrics';
import { MetricValue } from './MetricValue';
import { Cell, SCROLLER } from './noWordBreak';
import { Sparkline } from './Sparkline';
import { TierChip } from './TierChip';

/** Values and sample sizes never break inside a word ("deployment s") in a narrow card. */
const NO_WRAP = { whiteSpace: 'nowrap' as const };

/** The five metrics of one window with their sample sizes, levels and trends. */
export function DoraSummaryTable(props: { dora: DoraResponse; showTrend?: boolean }) {
  const { dora } = props;
  const unit = dora.bucket === 'month' ? 'months' : 'weeks';
  return (
    <div style={SCROLLER}>
    <Table size="small" aria-label="DORA metrics">
      <TableHead>
        <TableRow>
          <Cell>Metric</Cell>
          <Cell>Value</Cell>
          <Cell align="right">n</Cell>
          <Cell>Level</Cell>
          {props.showTrend !== false && <Cell>Trend</Cell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {DORA_METRICS.map(definition => (
          <TableRow key={definition.key}>
            <Cell component="th" scope="row">
              {definition.title}
            </Cell>
            <Cell style={NO_WRAP}>
              <MetricValue definition={definition} metrics={dora.current} approximate={dora.approximate} />
            </Cell>
            <Cell align="right" title={definition.sampleLabel} style={NO_WRAP}>
              {sampleText(definition, dora.current)}
            </Cell>
            <Cell>
              <TierChip
                tier={dora.current.tiers[definition.key]}
                metric={definition.title}
                reportYear={dora.current.tiers.reportYear}
              />
            </Cell>
            {props.showTrend !== false && (
              <Cell>
                <Sparkline
                  label={`${definition.title} by ${unit.slice(0, -1)}`}
                  values={dora.trend.map(point => definition.value(point.metrics))}
                  definition={definition}
                />
              </Cell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
    </div>
  );
}
