import { makeStyles, Typography } from '@material-ui/core';
import { ReactNode } from 'react';

const useStyles = makeStyles(theme => ({
  list: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    columnGap: theme.spacing(2),
    rowGap: theme.spacing(0.5),
    margin: 0,
  },
  term: { color: theme.palette.text.secondary },
  value: { margin: 0, wordBreak: 'break-word' },
}));

/** A label/value list; rows without a value are left out rather than shown empty. */
export function Facts(props: { rows: Array<[string, ReactNode | undefined | null]>; label?: string }) {
  const classes = useStyles();
  const rows = props.rows.filter(([, value]) => value !== undefined && value !== null && value !== '');
  if (rows.length === 0) return null;
  return (
    <dl className={classes.list} aria-label={props.label}>
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <Typography component="dt" variant="body2" className={classes.term}>
            {term}
          </Typography>
          <Typography component="dd" variant="body2" className={classes.value}>
            {value}
          </Typography>
        </div>
      ))}
    </dl>
  );
}

export function Section(props: { title: string; children: ReactNode }) {
  return (
    <section aria-label={props.title} style={{ marginTop: 24 }}>
      <Typography variant="h6" component="h3" gutterBottom>
        {props.title}
      </Typography>
      {props.children}
    </section>
  );
}
