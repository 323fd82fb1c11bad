import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Chip,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { RolloutView } from '../../api';
import { formatDateTime, shortDigest } from '../../lib/format';
import { StatusChip } from '../common';
import { EvaluationsTable } from './EvaluationsTable';
import { GateChart } from './GateChart';
import { GateSeries, gateSeries } from './gateSeries';
import { RollbackEvidence } from './RollbackEvidence';
import { RolloutHeading } from './RolloutHeading';
import { RolloutActions } from './RolloutActions';

/**
 * A rollout: its state, every gate's evaluations plotted and listed, and the rollback. On the
 * Delivery tab the charts start collapsed, so the release history stays within reach.
 */
export function RolloutDetail(props: { rollout: RolloutView; onChanged: () => void; chartsCollapsed?: boolean }) {
  const { rollout } = props;
  const series = gateSeries(rollout);
  return (
    <Box>
      <RolloutHeading rollout={rollout} />
      <Typography variant="body2">
        Rolling out {rollout.deploymentId}
        {rollout.artifactDigest ? ` (${shortDigest(rollout.artifactDigest)})` : ''}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Started {formatDateTime(rollout.startedAt)} · updated {formatDateTime(rollout.updatedAt)}
        {rollout.nextEvaluationAt ? ` · next evaluation ${formatDateTime(rollout.nextEvaluationAt)}` : ''}
      </Typography>
      {rollout.stateReason && (
        // What holds a promotion (a failing policy gate, an emergency stop) is said up front.
        <Typography variant="body2" role="status">
          {rollout.stateReason.charAt(0).toUpperCase() + rollout.stateReason.slice(1)}
        </Typography>
      )}
      <Box my={1}>
        <RolloutActions rollout={rollout} onDone={props.onChanged} />
      </Box>
      <RollbackEvidence rollout={rollout} />
      {series.length === 0 && (
        <Typography variant="body2">This rollout declares no gates.</Typography>
      )}
      {series.map(s => {
        const latest = s.points[s.points.length - 1];
        return (
          <Box key={s.id} component="section" aria-label={`Gate ${s.id}`} mt={2}>
            <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
              <Typography variant="subtitle2" component="h4">
                {s.id}
              </Typography>
              <Chip size="small" variant="outlined" label={s.kind} />
              {s.shadow && <Chip size="small" variant="outlined" label="Shadow: does not decide" />}
              {latest ? (
                <StatusChip status={latest.verdict} prefix={`Latest verdict of ${s.id}`} />
              ) : (
                <Typography variant="caption">Not evaluated yet</Typography>
              )}
            </Box>
            {failingStreak(s) > 0 && (
              <Typography variant="body2" role="status">
                {failingStreak(s)} failing evaluation{failingStreak(s) === 1 ? '' : 's'} in a row
              </Typography>
            )}
            {s.kind === 'policy' && latest && (
              // A policy gate measures no metric: its reason is the whole answer.
              <Typography variant="body2">{latest.reason}</Typography>
            )}
            {s.description && (
              <Typography variant="body2" color="textSecondary">
                {s.description}
              </Typography>
            )}
            {s.points.length > 0 && (
              <>
                {!props.chartsCollapsed && s.kind !== 'policy' && <GateChart series={s} rollbackAt={rollout.rollback?.executedAt} />}
                <Accordion TransitionProps={{ unmountOnExit: false }}>
                  <AccordionSummary expandIcon={<ExpandMoreIcon />}>
                    <Typography variant="body2">
                      {props.chartsCollapsed && s.kind !== 'policy' ? 'Chart and ' : ''}
                      {s.points.length} evaluation{s.points.length === 1 ? '' : 's'}
                    </Typography>
                  </AccordionSummary>
                  <AccordionDetails style={{ flexDirection: 'column' }}>
                    {props.chartsCollapsed && s.kind !== 'policy' && <GateChart series={s} rollbackAt={rollout.rollback?.executedAt} />}
                    <EvaluationsTable series={s} />
                  </AccordionDetails>
                </Accordion>
              </>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

/** How many of the gate's latest evaluations failed in a row: how close it is to deciding. */
function failingStreak(series: GateSeries): number {
  let streak = 0;
  for (let i = series.points.length - 1; i >= 0 && series.points[i].verdict === 'fail'; i--) streak += 1;
  return streak;
}
