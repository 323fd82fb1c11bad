import { Table, TableBody, TableCell, TableHead, TableRow } from '@material-ui/core';
import type { DoraResponse } from '../../api';
import { DORA_METRICS, sampleText } from '../../lib/doraMetrics';
import { MetricValue, TierChip } from '../Dora';
import { ChangeIndicator } from './ChangeIndicator';

/** The window's five metrics next to the previous window of the same length. */
export function MetricComparison(props: { dora: DoraResponse }) {
  const { dora } = props;
  return (
    <Table size="small" aria-label="DORA metrics compared with the previous window">
      <TableHead>
        <TableRow>
          <TableCell>Metric</TableCell>
          <TableCell>This window</TableCell>
          <TableCell align="right">n</TableCell>
          <TableCell>Level</TableCell>
          <TableCell>Previous window</TableCell>
          <TableCell>Change</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {DORA_METRICS.map(definition => (
          <TableRow key={definition.key}>
            <TableCell component="th" scope="row">
              {definition.title}
            </TableCell>
            <TableCell>
              <MetricValue definition={definition} metrics={dora.current} approximate={dora.approximate} />
            </TableCell>
            <TableCell align="right">
              {sampleText(definition, dora.current)}
            </TableCell>
            <TableCell>
              <TierChip
                tier={dora.current.tiers[definition.key]}
                metric={definition.title}
                reportYear={dora.current.tiers.reportYear}
              />
            </TableCell>
            <TableCell>
              <MetricValue definition={definition} metrics={dora.previous} approximate={dora.approximate} /> (n ={' '}
              {definition.sample(dora.previous)})
            </TableCell>
            <TableCell>
              <ChangeIndicator
                definition={definition}
                change={definition.change(dora.change)}
                current={definition.value(dora.current)}
              />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
