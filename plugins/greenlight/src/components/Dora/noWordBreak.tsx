import { TableCell, TableCellProps } from '@material-ui/core';

/**
 * Backstage's theme gives every table cell `word-break: break-word` and `overflow: hidden`,
 * so a DORA table in a narrow card cut words anywhere ("deployment s"). In these tables lines
 * break only between words (set on the cell itself, where the theme sets its own), and a table
 * too wide for its card scrolls sideways inside `SCROLLER` instead.
 */
const NO_WORD_BREAK = {
  wordBreak: 'keep-all',
  overflowWrap: 'normal',
  hyphens: 'manual',
} as const;

export const SCROLLER = { overflowX: 'auto', maxWidth: '100%' } as const;

/** A table cell whose words never break. */
export function Cell(props: TableCellProps) {
  return <TableCell {...props} style={{ ...NO_WORD_BREAK, ...props.style }} />;
}
