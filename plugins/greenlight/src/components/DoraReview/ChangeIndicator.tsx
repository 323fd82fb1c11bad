import { Box, makeStyles, Typography } from '@material-ui/core';
import ArrowUpwardIcon from '@material-ui/icons/ArrowUpward';
import ArrowDownwardIcon from '@material-ui/icons/ArrowDownward';
import TrendingFlatIcon from '@material-ui/icons/TrendingFlat';
import { assessChange, DoraMetricDefinition } from '../../lib/doraMetrics';
import type { UnitScale } from '../../lib/doraUnits';

// Text colours that keep a 4.5:1 contrast on the page and card backgrounds of either theme.
const useStyles = makeStyles(theme => ({
  better: { color: theme.palette.type === 'dark' ? theme.palette.success.light : '#2e7d32' },
  worse: { color: theme.palette.type === 'dark' ? theme.palette.error.light : '#c62828' },
  unchanged: { color: theme.palette.text.secondary },
}));

const VERDICTS: Record<string, 'better' | 'worse' | 'unchanged'> = {
  true: 'better',
  false: 'worse',
  null: 'unchanged',
};
const ICONS = { up: ArrowUpwardIcon, down: ArrowDownwardIcon, flat: TrendingFlatIcon };

/** The change against the previous window: arrow for direction, words for meaning. */
export function ChangeIndicator(props: {
  definition: DoraMetricDefinition;
  change: number | null;
  /** The current value, whose unit the change is shown in. */
  current?: number | null;
  /** The unit of the change's row, which overrides the current value's. */
  scale?: UnitScale;
}) {
  const classes = useStyles();
  const { definition, change } = props;
  const { direction, improved } = assessChange(definition, change);
  if (change === null) {
    return (
      <Typography variant="body2" color="textSecondary">
        no comparison
      </Typography>
    );
  }
  const verdict = VERDICTS[String(improved)];
  const Icon = ICONS[direction];
  const className = classes[verdict];
  let text = 'no change';
  if (direction !== 'flat') {
    text = props.scale ? props.scale.formatChange(change) : definition.formatChange(change, props.current);
  }
  return (
    <Box
      display="inline-flex"
      alignItems="center"
      gridGap={4}
      className={className}
      aria-label={
        direction === 'flat'
          ? 'No change from the previous window'
          : `${direction === 'up' ? 'Up' : 'Down'} ${text}, ${verdict} than the previous window`
      }
    >
      <Icon fontSize="small" aria-hidden />
      <Typography variant="body2" component="span">
        {text} ({verdict})
      </Typography>
    </Box>
  );
}
