import { Link } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { commitUrl, pullRequestUrl } from '../../lib/repository';
import { shortSha } from '../../lib/format';

/** Read by assistive technology, not shown. */
const visuallyHidden = {
  position: 'absolute',
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;

/** A short commit hash, linked to the repository when its host is known. */
export function CommitLink(props: { sha: string; repository?: string | null }) {
  const url = commitUrl(props.repository, props.sha);
  const text = (
    <Typography component="span" variant="body2" style={{ fontFamily: 'monospace' }}>
      {shortSha(props.sha)}
    </Typography>
  );
  if (!url) return <span title={props.sha}>{text}</span>;
  return (
    // The accessible name holds the visible short hash ("Commit 9b2e41c"); the title the full one.
    <Link to={url} title={props.sha}>
      <span style={visuallyHidden}>Commit</span> {text}
    </Link>
  );
}

export function PullRequestLink(props: { prNumber: number; repository?: string | null }) {
  const url = pullRequestUrl(props.repository, props.prNumber);
  if (!url) return <span>#{props.prNumber}</span>;
  return <Link to={url}>#{props.prNumber}</Link>;
}
