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
import { formatDateTime } from '../../lib/format';
import { StatusChip } from '../common';
import { EvaluationsTable } from './EvaluationsTable';
import { GateChart } from './GateChart';
import { gateSeries } from './gateSeries';
import { RollbackEvidence } from './RollbackEvidence';
import { RolloutActions } from './RolloutActions';

/** A rollout: its state, every gate's evaluations plotted and listed, and the rollback. */
export function RolloutDetail(props: { rollout: RolloutView; onChanged: () => void }) {
  const { rollout } = props;
  const series = gateSeries(rollout);
  return (
    <Box>
      <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8} mb={1}>
        <Typography variant="subtitle1" component="span">
          {rollout.strategy === 'canary' ? 'Canary' : 'Blue-green'} rollout to {rollout.environment}
        </Typography>
        <StatusChip status={rollout.state} prefix="Rollout state" />
      </Box>
      <Typography variant="body2" color="textSecondary">
        Started {formatDateTime(rollout.startedAt)} · updated {formatDateTime(rollout.updatedAt)}
        {rollout.nextEvaluationAt ? ` · next evaluation ${formatDateTime(rollout.nextEvaluationAt)}` : ''}
      </Typography>
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
            {s.description && (
              <Typography variant="body2" color="textSecondary">
                {s.description}
              </Typography>
            )}
            {s.points.length > 0 && (
              <>
                <GateChart series={s} rollbackAt={rollout.rollback?.executedAt} />
                <Accordion TransitionProps={{ unmountOnExit: false }}>
                  <AccordionSummary expandIcon={<ExpandMoreIcon />}>
                    <Typography variant="body2">
                      {s.points.length} evaluation{s.points.length === 1 ? '' : 's'}
                    </Typography>
                  </AccordionSummary>
                  <AccordionDetails>
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
