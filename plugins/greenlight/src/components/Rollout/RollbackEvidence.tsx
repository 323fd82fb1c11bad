import { Box, makeStyles, Typography } from '@material-ui/core';
import { RolloutView } from '../../api';
import { formatDateTime } from '../../lib/format';
import { evidenceSentence, rollbackReason } from '../../lib/gateEvidence';
import { StatusChip } from '../common';

const useStyles = makeStyles(theme => ({
  box: {
    borderLeft: `4px solid ${theme.palette.error.main}`,
    padding: theme.spacing(1, 2),
    margin: theme.spacing(1, 0),
    backgroundColor: theme.palette.background.default,
  },
}));

/** What the rollback did and the evaluations that asked for it. */
export function RollbackEvidence(props: { rollout: RolloutView }) {
  const classes = useStyles();
  const { rollback, evaluations } = props.rollout;
  if (!rollback) return null;
  const triggers = evaluations.filter(e => e.decision === 'rollback');
  return (
    <section className={classes.box} aria-label="Rollback">
      <Typography variant="subtitle2" component="h4">
        Rollback <StatusChip status={rollback.status} prefix="Rollback" />
      </Typography>
      <Typography variant="body2">{rollbackReason(props.rollout)}</Typography>
      <Typography variant="body2" color="textSecondary">
        Executor {rollback.executor}, {rollback.attempts} attempt{rollback.attempts === 1 ? '' : 's'}
        {rollback.executedAt ? `, executed ${formatDateTime(rollback.executedAt)}` : ''}
      </Typography>
      {rollback.lastError && <Typography variant="body2">Last error: {rollback.lastError}</Typography>}
      {triggers.length > 0 && (
        <Box mt={1}>
          <Typography variant="body2">Evidence:</Typography>
          <ul>
            {triggers.map(t => (
              <li key={`${t.gateId}-${t.at}`}>
                <Typography variant="body2">
                  {formatDateTime(t.at)}, gate {t.gateId}: {evidenceSentence(t)}
                </Typography>
              </li>
            ))}
          </ul>
        </Box>
      )}
    </section>
  );
}
