import { Progress } from '@backstage/core-components';
import { makeStyles, Paper, Typography } from '@material-ui/core';
import { CSSProperties, memo, ReactNode, useEffect, useState } from 'react';
import { Release } from '../../api';
import { afterNextPaint } from '../../lib/afterNextPaint';

/** A column of the release table: a header and what each release shows under it. */
export type ReleaseColumn = {
  title: string;
  render: (release: Release) => ReactNode;
  cellStyle?: CSSProperties;
};

// An id per table for its title (React 16 and 17 have no useId).
let tables = 0;
const useTitleId = () =>
  useState(() => `greenlight-release-table-${++tables}`)[0];

const useStyles = makeStyles(theme => ({
  title: { padding: theme.spacing(2, 2, 1) },
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    ...theme.typography.body2,
    color: theme.palette.text.primary,
  },
  header: {
    textAlign: 'left',
    verticalAlign: 'bottom',
    whiteSpace: 'nowrap',
    fontWeight: theme.typography.fontWeightBold as number,
    padding: theme.spacing(1, 2),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  cell: {
    padding: theme.spacing(0.75, 2),
    borderBottom: `1px solid ${theme.palette.divider}`,
    verticalAlign: 'middle',
  },
  row: {
    cursor: 'pointer',
    '&:hover': { backgroundColor: theme.palette.action.hover },
  },
}));

/**
 * One release. Rendered again only when its release or the columns change, not when the table
 * around it does (the total arriving, a loading flag); the "By" cells follow the catalog's
 * users through context (see `knownUsers.ts`).
 */
const ReleaseRow = memo(function Row(props: {
  release: Release;
  columns: ReleaseColumn[];
  rowClassName: string;
  cellClassName: string;
  onRowClick: (release: Release) => void;
}) {
  const { release } = props;
  return (
    // The row opens the release for a pointer; keyboards use the row's detail button.
    <tr
      className={props.rowClassName}
      onClick={() => props.onRowClick(release)}
    >
      {props.columns.map(column => (
        <td
          key={column.title}
          className={props.cellClassName}
          style={column.cellStyle}
        >
          {column.render(release)}
        </td>
      ))}
    </tr>
  );
});

/**
 * Rows rendered in the table's first paint; the rest of the page follows in the next task.
 * About a screenful at 1280 × 800 below the environments strip.
 */
export const FIRST_PAINT_ROWS = 10;

/**
 * The release history as a plain HTML table in one style sheet. A release page is a few
 * hundred cells: the general-purpose table of `@backstage/core-components` wraps every cell and
 * row in components of its own (and mounts drag-and-drop and toolbar machinery the history does
 * not use), which made rendering the rows, not reading them, the slow part of opening the tab.
 */
export function ReleaseTable(props: {
  title: string;
  columns: ReleaseColumn[];
  rows: Release[];
  loading: boolean;
  emptyContent: ReactNode;
  onRowClick: (release: Release) => void;
}) {
  const classes = useStyles();
  const titleId = useTitleId();
  // The first page with data paints its first rows before the rest of it: the rows below them
  // are off screen then, and rendering them too would delay the first ones. After that first
  // page every page and refresh renders whole. Rows already shown keep their elements (and
  // focus) when the rest arrive.
  const [rowLimit, setRowLimit] = useState(FIRST_PAINT_ROWS);
  const firstPageShown = rowLimit !== Infinity && props.rows.length > 0;
  useEffect(() => {
    if (!firstPageShown) return undefined;
    return afterNextPaint(() => setRowLimit(Infinity), { interruptible: true });
  }, [firstPageShown]);
  const rows =
    rowLimit < props.rows.length ? props.rows.slice(0, rowLimit) : props.rows;
  return (
    <Paper>
      <Typography
        variant="h5"
        component="h2"
        id={titleId}
        className={classes.title}
      >
        {props.title}
      </Typography>
      {props.loading && <Progress />}
      <table className={classes.table} aria-labelledby={titleId}>
        <thead>
          <tr>
            {props.columns.map(column => (
              <th key={column.title} scope="col" className={classes.header}>
                {column.title}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 && !props.loading ? (
            <tr>
              <td colSpan={props.columns.length}>{props.emptyContent}</td>
            </tr>
          ) : (
            rows.map(release => (
              <ReleaseRow
                key={release.id}
                release={release}
                columns={props.columns}
                rowClassName={classes.row}
                cellClassName={classes.cell}
                onRowClick={props.onRowClick}
              />
            ))
          )}
        </tbody>
      </table>
    </Paper>
  );
}
