import { Progress, TableColumn } from '@backstage/core-components';
import { makeStyles, Paper, Typography } from '@material-ui/core';
import {
  memo,
  ReactNode,
  startTransition,
  useEffect,
  useId,
  useState,
} from 'react';
import { Release } from '../../api';

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
  columns: TableColumn<Release>[];
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
          key={String(column.title)}
          className={props.cellClassName}
          style={column.cellStyle as React.CSSProperties | undefined}
        >
          {cellContent(column, release)}
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
  columns: TableColumn<Release>[];
  rows: Release[];
  loading: boolean;
  emptyContent: ReactNode;
  onRowClick: (release: Release) => void;
}) {
  const classes = useStyles();
  const titleId = useId();
  // The first rows with data are painted before the rest of the page is rendered: the rows
  // below them are off screen then, and rendering them too would delay the first ones. Later
  // pages and refreshes render whole. Rows already shown keep their elements (and focus).
  const [rowLimit, setRowLimit] = useState(FIRST_PAINT_ROWS);
  const limited = rowLimit < props.rows.length;
  useEffect(() => {
    if (!limited) return undefined;
    // After the frame that paints the first rows, as an interruptible update.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => startTransition(() => setRowLimit(Infinity)));
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [limited]);
  const rows = limited ? props.rows.slice(0, rowLimit) : props.rows;
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
              <th
                key={String(column.title)}
                scope="col"
                className={classes.header}
              >
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

function cellContent(
  column: TableColumn<Release>,
  release: Release,
): ReactNode {
  if (column.render) return column.render(release, 'row');
  if (typeof column.field === 'string')
    return String((release as Record<string, unknown>)[column.field] ?? '');
  return null;
}
