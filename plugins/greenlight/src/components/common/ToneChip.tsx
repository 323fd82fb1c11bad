import { Chip, makeStyles, Tooltip } from '@material-ui/core';
import { ReactElement, ReactNode } from 'react';

export type Tone = 'good' | 'bad' | 'warn' | 'neutral' | 'info';

const useStyles = makeStyles(theme => ({
  good: { backgroundColor: theme.palette.success.main, color: theme.palette.success.contrastText },
  // White on the dark shades: the main blue and red leave small white text under 4.5:1.
  bad: { backgroundColor: theme.palette.error.dark, color: '#fff' },
  warn: { backgroundColor: theme.palette.warning.main, color: theme.palette.warning.contrastText },
  info: { backgroundColor: theme.palette.info.dark, color: '#fff' },
  neutral: {},
  icon: { color: 'inherit' },
}));

/**
 * A chip whose colour repeats what its text already says, so the meaning never rests
 * on colour alone; the tooltip carries the explanation.
 */
export function ToneChip(props: {
  label: string;
  tone: Tone;
  icon?: ReactElement;
  tooltip?: ReactNode;
  ariaLabel?: string;
}) {
  const classes = useStyles();
  const chip = (
    <Chip
      size="small"
      label={props.label}
      icon={props.icon}
      aria-label={props.ariaLabel ?? props.label}
      classes={{ icon: classes.icon }}
      className={classes[props.tone]}
    />
  );
  if (!props.tooltip) return chip;
  return (
    <Tooltip title={props.tooltip} arrow>
      {chip}
    </Tooltip>
  );
}
