import { Table, TableBody, TableCell, TableHead, TableRow } from '@material-ui/core';
import type { DoraResponse } from '../../api';
import { DORA_METRICS, sampleText } from '../../lib/doraMetrics';
import { MetricValue } from './MetricValue';
import { Sparkline } from './Sparkline';
import { TierChip } from './TierChip';

/** Values and sample sizes never break inside a word ("deployment s") in a narrow card. */
const NO_WRAP = { whiteSpace: 'nowrap' as const };

/** The five metrics of one window with their sample sizes, levels and trends. */
export function DoraSummaryTable(props: { dora: DoraResponse; showTrend?: boolean }) {
  const { dora } = props;
  const unit = dora.bucket === 'month' ? 'months' : 'weeks';
  return (
    <Table size="small" aria-label="DORA metrics">
      <TableHead>
        <TableRow>
          <TableCell>Metric</TableCell>
          <TableCell>Value</TableCell>
          <TableCell align="right">n</TableCell>
          <TableCell>Level</TableCell>
          {props.showTrend !== false && <TableCell>Trend</TableCell>}
        </TableRow>
      </TableHead>
      <TableBody>
        {DORA_METRICS.map(definition => (
          <TableRow key={definition.key}>
            <TableCell component="th" scope="row">
              {definition.title}
            </TableCell>
            <TableCell style={NO_WRAP}>
              <MetricValue definition={definition} metrics={dora.current} approximate={dora.approximate} />
            </TableCell>
            <TableCell align="right" title={definition.sampleLabel} style={NO_WRAP}>
              {sampleText(definition, dora.current)}
            </TableCell>
            <TableCell>
              <TierChip
                tier={dora.current.tiers[definition.key]}
                metric={definition.title}
                reportYear={dora.current.tiers.reportYear}
              />
            </TableCell>
            {props.showTrend !== false && (
              <TableCell>
                <Sparkline
                  label={`${definition.title} by ${unit.slice(0, -1)}`}
                  values={dora.trend.map(point => definition.value(point.metrics))}
                  format={v => definition.format(v)}
                />
              </TableCell>
            )}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
