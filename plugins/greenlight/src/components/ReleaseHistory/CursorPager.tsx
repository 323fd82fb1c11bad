import { Box, Button, MenuItem, TextField, Typography } from '@material-ui/core';

export const PAGE_SIZES = [10, 25, 50, 100];

/**
 * Keyset pages have no total and no page numbers: the pager only knows whether a
 * page comes before (a cursor on the stack) and after (a `nextCursor`).
 */
export function CursorPager(props: {
  page: number;
  hasNext: boolean;
  pageSize: number;
  disabled: boolean;
  onPrevious: () => void;
  onNext: () => void;
  onPageSize: (size: number) => void;
}) {
  return (
    <Box display="flex" alignItems="center" justifyContent="flex-end" gridGap={16} mt={1} role="navigation" aria-label="Release pages">
      <TextField
        select
        id="greenlight-page-size"
        size="small"
        label="Per page"
        value={props.pageSize}
        onChange={e => props.onPageSize(Number(e.target.value))}
      >
        {PAGE_SIZES.map(size => (
          <MenuItem key={size} value={size}>
            {size}
          </MenuItem>
        ))}
      </TextField>
      <Typography variant="body2">Page {props.page + 1}</Typography>
      <Button size="small" onClick={props.onPrevious} disabled={props.disabled || props.page === 0}>
        Newer
      </Button>
      <Button size="small" onClick={props.onNext} disabled={props.disabled || !props.hasNext}>
        Older
      </Button>
    </Box>
  );
}
