import { Table, TableBody, TableCell, TableHead, TableRow } from '@material-ui/core';
import { evidenceSentence, formatEvaluationThreshold, formatEvaluationValue } from '../../lib/gateEvidence';
import { StatusChip } from '../common';
import { GateSeries } from './gateSeries';

/** What the watcher decided after an evaluation, in words. */
const DECISIONS: Record<GateSeries['points'][number]['decision'], string> = {
  continue: 'Continue',
  promote: 'Promote',
  rollback: 'Roll back',
  'pause-inconclusive': 'Pause: inconclusive',
};

/** Every evaluation of one gate as text: the evidence behind the chart. */
export function EvaluationsTable(props: { series: GateSeries }) {
  return (
    <Table size="small" aria-label={`Evaluations of gate ${props.series.id}`}>
      <TableHead>
        <TableRow>
          <TableCell>Time</TableCell>
          <TableCell align="right">Value</TableCell>
          <TableCell align="right">Threshold</TableCell>
          <TableCell>Verdict</TableCell>
          <TableCell>Decision</TableCell>
          <TableCell>Reason</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.series.points.map(point => (
          <TableRow key={`${point.t}-${point.decision}`}>
            <TableCell>{new Date(point.t).toLocaleString()}</TableCell>
            <TableCell align="right">{formatEvaluationValue(point)}</TableCell>
            <TableCell align="right">{formatEvaluationThreshold(point)}</TableCell>
            <TableCell>
              <StatusChip status={point.verdict} prefix="Verdict" />
            </TableCell>
            <TableCell>{DECISIONS[point.decision] ?? point.decision}</TableCell>
            <TableCell>{evidenceSentence(point)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
