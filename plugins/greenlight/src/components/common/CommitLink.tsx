import { Link } from '@backstage/core-components';
import { Typography } from '@material-ui/core';
import { commitUrl, pullRequestUrl } from '../../lib/repository';
import { shortSha } from '../../lib/format';

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
    <Link to={url} title={props.sha} aria-label={`Commit ${props.sha}`}>
      {text}
    </Link>
  );
}

export function PullRequestLink(props: { prNumber: number; repository?: string | null }) {
  const url = pullRequestUrl(props.repository, props.prNumber);
  if (!url) return <span>#{props.prNumber}</span>;
  return <Link to={url}>#{props.prNumber}</Link>;
}
