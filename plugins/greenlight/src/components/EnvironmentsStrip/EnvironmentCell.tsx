import { Box, Chip, Link as MuiLink, makeStyles, Tooltip, Typography } from '@material-ui/core';
import { EnvironmentState } from '../../api';
import { formatDateTime, releaseTitle, shortDigest } from '../../lib/format';
import { ActorName, CommitLink, CopyValueButton, PromotionChip, ProvenanceBadge } from '../common';
import { WaitingCommits } from './WaitingCommits';

const useStyles = makeStyles(theme => ({
  cell: { minWidth: 180, flex: '1 1 0', padding: theme.spacing(1) },
  chips: { display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5), margin: theme.spacing(0.5, 0) },
  digest: { fontFamily: 'monospace' },
  digestGroup: { display: 'inline-flex', alignItems: 'center' },
}));

export function EnvironmentCell(props: {
  environment: EnvironmentState;
  repository?: string;
  compact: boolean;
  /** The bare actor names the catalog knows as users (see `lib/actor.ts`). */
  knownUsers: ReadonlySet<string>;
  onOpenRelease?: (releaseId: string) => void;
}) {
  const classes = useStyles();
  const { environment: env, compact, onOpenRelease } = props;
  const current = env.current;
  const title = current ? releaseTitle(current) : '';
  return (
    <Box className={classes.cell} role="group" aria-label={`Environment ${env.name}`}>
      <Typography variant="overline" component="h3">
        {env.name}
      </Typography>
      {current ? (
        <>
          <Typography variant="h6" component="p">
            {onOpenRelease ? (
              <MuiLink
                component="button"
                variant="h6"
                onClick={() => onOpenRelease(current.releaseId)}
                aria-label={`Open release ${title} in ${env.name}`}
              >
                {title}
              </MuiLink>
            ) : (
              title
            )}
          </Typography>
          <div className={classes.chips}>
            {current.artifactDigest && (
              // The copy button beside the chip rather than in it: a chip's delete slot is for removing.
              <span className={classes.digestGroup}>
                <Tooltip title={current.artifactDigest}>
                  <Chip
                    size="small"
                    variant="outlined"
                    className={classes.digest}
                    label={shortDigest(current.artifactDigest)}
                    aria-label={`Digest ${current.artifactDigest}`}
                  />
                </Tooltip>
                <CopyValueButton value={current.artifactDigest} what="digest" />
              </span>
            )}
            <ProvenanceBadge provenance={current.provenance} />
            <PromotionChip promotion={current.promotion} />
          </div>
          {current.restoredFrom && (
            <Typography variant="body2">
              Restored by a rollback · first shipped by{' '}
              {onOpenRelease ? (
                <MuiLink
                  component="button"
                  variant="body2"
                  onClick={() => onOpenRelease(current.restoredFrom!)}
                  aria-label={`Open release ${current.restoredFrom}, which first shipped it`}
                >
                  {current.restoredFrom}
                </MuiLink>
              ) : (
                current.restoredFrom
              )}
            </Typography>
          )}
          {!compact && current.commitSha && (
            <Typography variant="body2">
              Commit <CommitLink sha={current.commitSha} repository={props.repository} />
            </Typography>
          )}
          <Typography variant="body2" color="textSecondary">
            {current.since ? `Since ${formatDateTime(current.since)}` : ''}
            {current.actor && (
              <>
                {' by '}
                <ActorName actor={current.actor} knownUsers={props.knownUsers} />
              </>
            )}
          </Typography>
        </>
      ) : (
        <Typography variant="body2" color="textSecondary">
          Not deployed
        </Typography>
      )}
      <WaitingCommits
        environment={env.name}
        waiting={env.waiting}
        repository={props.repository}
        expandable={!compact}
      />
    </Box>
  );
}
