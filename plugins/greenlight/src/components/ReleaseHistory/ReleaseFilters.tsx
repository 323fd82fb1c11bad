import { Box, FormControl, InputLabel, MenuItem, Select, TextField } from '@material-ui/core';
import { statusLabel } from '../common';

export type ReleaseFilterValues = {
  environment: string;
  status: string;
  /** `datetime-local` input values, in the reader's time zone. */
  from: string;
  to: string;
};

export const EMPTY_FILTERS: ReleaseFilterValues = { environment: '', status: '', from: '', to: '' };

const STATUSES = ['started', 'succeeded', 'failed', 'rolled-back', 'cancelled'];

/** A local `datetime-local` value as the ISO instant the API expects. */
export function localInputToIso(value: string): string | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function ReleaseFilters(props: {
  environments: string[];
  value: ReleaseFilterValues;
  onChange: (value: ReleaseFilterValues) => void;
}) {
  const { value, onChange } = props;
  const set = (patch: Partial<ReleaseFilterValues>) => onChange({ ...value, ...patch });
  return (
    <Box display="flex" flexWrap="wrap" gridGap={16} mb={2} role="search" aria-label="Release filters">
      <FormControl style={{ minWidth: 160 }}>
        <InputLabel id="greenlight-filter-environment">Environment</InputLabel>
        <Select
          labelId="greenlight-filter-environment"
          value={value.environment}
          onChange={e => set({ environment: e.target.value as string })}
        >
          <MenuItem value="">All</MenuItem>
          {props.environments.map(env => (
            <MenuItem key={env} value={env}>
              {env}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <FormControl style={{ minWidth: 160 }}>
        <InputLabel id="greenlight-filter-status">Status</InputLabel>
        <Select
          labelId="greenlight-filter-status"
          value={value.status}
          onChange={e => set({ status: e.target.value as string })}
        >
          <MenuItem value="">All</MenuItem>
          {STATUSES.map(status => (
            <MenuItem key={status} value={status}>
              {statusLabel(status)}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      <TextField
        id="greenlight-filter-from"
        label="From"
        type="datetime-local"
        value={value.from}
        onChange={e => set({ from: e.target.value })}
        InputLabelProps={{ shrink: true }}
      />
      <TextField
        id="greenlight-filter-to"
        label="To"
        type="datetime-local"
        value={value.to}
        onChange={e => set({ to: e.target.value })}
        InputLabelProps={{ shrink: true }}
      />
    </Box>
  );
}
