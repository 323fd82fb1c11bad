import { Box, makeStyles, MenuItem, TextField } from '@material-ui/core';
import {
  DoraBucket,
  matchingPreset,
  presetWindow,
  ReviewWindow,
  WINDOW_PRESETS,
} from '../../lib/doraWindow';

// The labels sit on the page background, where the theme's secondary text is too faint.
const useStyles = makeStyles(theme => ({
  label: { color: theme.palette.text.primary },
}));

/** Picks the review window: a preset ending today, or any range of whole days. */
export function WindowPicker(props: { window: ReviewWindow; now: Date; onChange: (window: ReviewWindow) => void }) {
  const { window, now, onChange } = props;
  const preset = matchingPreset(window, now);
  const classes = useStyles();
  return (
    <Box display="flex" flexWrap="wrap" gridGap={16} alignItems="flex-end" role="group" aria-label="Review window">
      <TextField
        select
        id="greenlight-dora-window"
        label="Window"
        value={preset ?? 'custom'}
        InputLabelProps={{ className: classes.label }}
        onChange={e => {
          if (e.target.value !== 'custom') onChange(presetWindow(Number(e.target.value), now, window.bucket));
        }}
        style={{ minWidth: 160 }}
      >
        {WINDOW_PRESETS.map(days => (
          <MenuItem key={days} value={days}>
            Last {days} days
          </MenuItem>
        ))}
        <MenuItem value="custom">Custom</MenuItem>
      </TextField>
      <TextField
        id="greenlight-dora-from"
        label="From"
        type="date"
        value={window.from}
        InputLabelProps={{ shrink: true, className: classes.label }}
        inputProps={{ max: window.to }}
        onChange={e => e.target.value && onChange({ ...window, from: e.target.value })}
      />
      <TextField
        id="greenlight-dora-to"
        label="To"
        type="date"
        value={window.to}
        InputLabelProps={{ shrink: true, className: classes.label }}
        inputProps={{ min: window.from }}
        onChange={e => e.target.value && onChange({ ...window, to: e.target.value })}
      />
      <TextField
        select
        id="greenlight-dora-bucket"
        label="Trend by"
        value={window.bucket}
        InputLabelProps={{ className: classes.label }}
        onChange={e => onChange({ ...window, bucket: e.target.value as DoraBucket })}
        style={{ minWidth: 120 }}
      >
        <MenuItem value="week">Week</MenuItem>
        <MenuItem value="month">Month</MenuItem>
      </TextField>
    </Box>
  );
}
