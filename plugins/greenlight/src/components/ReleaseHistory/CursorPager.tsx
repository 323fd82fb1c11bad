import { Box, Button, MenuItem, TextField, Typography } from '@material-ui/core';

export const PAGE_SIZES = [10, 25, 50, 100];

/**
 * Keyset pages: the pager knows whether a page comes before (a cursor on the stack) and
 * after (a `nextCursor`); the total, counted apart, arrives when it does.
 */
export function CursorPager(props: {
  page: number;
  /** Rows on this page. */
  shown: number;
  /** Rows over all pages, once counted. */
  total?: number;
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
      <Typography variant="body2" role="status">
        {pageRange(props)}
      </Typography>
      <Button size="small" onClick={props.onPrevious} disabled={props.disabled || props.page === 0}>
        Newer
      </Button>
      <Button size="small" onClick={props.onNext} disabled={props.disabled || !props.hasNext}>
        Older
      </Button>
    </Box>
  );
}

/** "1–25 of 212"; without the total yet, "1–25"; nothing while the page is empty. */
export function pageRange(props: { page: number; pageSize: number; shown: number; total?: number }): string {
  if (props.shown === 0) return props.total ? `0 of ${props.total}` : '';
  const first = props.page * props.pageSize + 1;
  const last = first + props.shown - 1;
  return `${first}–${last}${props.total !== undefined ? ` of ${props.total}` : ''}`;
}
