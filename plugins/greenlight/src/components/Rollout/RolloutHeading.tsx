import { Box, Typography } from '@material-ui/core';
import { RolloutView } from '../../api';
import { StatusChip } from '../common';

/** "Canary rollout to production" with the rollout's state. */
export function RolloutHeading(props: { rollout: RolloutView }) {
  const { rollout } = props;
  return (
    <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8} mb={1}>
      <Typography variant="subtitle1" component="span">
        {rollout.strategy === 'canary' ? 'Canary' : 'Blue-green'} rollout to{' '}
        {rollout.environment}
      </Typography>
      <StatusChip status={rollout.state} prefix="Rollout state" />
    </Box>
  );
}
