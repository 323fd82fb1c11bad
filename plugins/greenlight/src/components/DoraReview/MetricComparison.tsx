import { Table, TableBody, TableHead, TableRow } from '@material-ui/core';
import type { DoraResponse } from '../../api';
import { DORA_METRICS, metricScale, sampleText } from '../../lib/doraMetrics';
import { Cell, MetricValue, SCROLLER, TierChip } from '../Dora';
import { ChangeIndicator } from './ChangeIndicator';

/** The window's five metrics next to the previous window of the same length. */
export function MetricComparison(props: { dora: DoraResponse }) {
  const { dora } = props;
  return (
    <div style={SCROLLER}>
    <Table size="small" aria-label="DORA metrics compared with the previous window">
      <TableHead>
        <TableRow>
          <Cell>Metric</Cell>
          <Cell>This window</Cell>
          <Cell align="right">n</Cell>
          <Cell>Level</Cell>
          <Cell>Previous window</Cell>
          <Cell>Change</Cell>
        </TableRow>
      </TableHead>
      <TableBody>
        {DORA_METRICS.map(definition => {
          // This window, the previous one and the change are read in one unit.
          const scale = metricScale(definition, [definition.value(dora.current), definition.value(dora.previous)], 'row');
          return (
          <TableRow key={definition.key}>
            <Cell component="th" scope="row">
              {definition.title}
            </Cell>
            <Cell>
              <MetricValue definition={definition} metrics={dora.current} approximate={dora.approximate} scale={scale} />
            </Cell>
            <Cell align="right">
              {sampleText(definition, dora.current)}
            </Cell>
            <Cell>
              <TierChip
                tier={dora.current.tiers[definition.key]}
                metric={definition.title}
                reportYear={dora.current.tiers.reportYear}
              />
            </Cell>
            <Cell>
              <MetricValue definition={definition} metrics={dora.previous} approximate={dora.approximate} scale={scale} />{' '}
              (n ={' '}
              {definition.sample(dora.previous)})
            </Cell>
            <Cell>
              <ChangeIndicator
                definition={definition}
                change={definition.change(dora.change)}
                current={definition.value(dora.current)}
                scale={scale}
              />
            </Cell>
          </TableRow>
          );
        })}
      </TableBody>
    </Table>
    </div>
  );
}
