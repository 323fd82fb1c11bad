import { IconButton, Link as MuiLink, Tooltip, Typography } from '@material-ui/core';
import OpenInNewIcon from '@material-ui/icons/OpenInBrowser';
import { formatDateTime, formatDuration, formatRelative, releaseTitle, shortDigest } from '../../lib/format';
import { ActorName, CommitLink, CopyValueButton, PromotionChip, ProvenanceBadge, StatusChip } from '../common';
// A plain div per cell: the table has many cells, and Material UI's Box adds a style sheet for each.
import { PlainBox as Box } from '../common/PlainBox';
import { useKnownUsers } from './knownUsers';
import type { ReleaseColumn } from './ReleaseTable';

const noWrap = { whiteSpace: 'nowrap' as const };

function KnownActorName(props: { actor: string }) {
  return <ActorName actor={props.actor} knownUsers={useKnownUsers()} />;
}

export function releaseColumns(options: {
  repository?: string;
  onOpen: (id: string) => void;
  /** A class that draws a visible keyboard focus ring on the row's detail button. */
  focusRingClassName?: string;
}): ReleaseColumn[] {
  // Deployment ids are long single words: cut short with an ellipsis (the whole id stays in the
  // text, so in the accessible name, and shows on hover) rather than broken across lines.
  const openLink = (id: string) => (
    <Tooltip key={id} title={id}>
      <MuiLink
        component="button"
        variant="body2"
        style={{ ...noWrap, maxWidth: 140, overflow: 'hidden', textOverflow: 'ellipsis', verticalAlign: 'bottom' }}
        onClick={(event: React.MouseEvent) => {
          event.stopPropagation();
          options.onOpen(id);
        }}
      >
        {id}
      </MuiLink>
    </Tooltip>
  );
  const columns: ReleaseColumn[] = [
    {
      title: 'When',
      // Relative, never broken mid-word; the exact time is on hover.
      // How long it took goes under when, rather than in a column of its own, so the table fits
      // 1280 px without scrolling sideways.
      render: r => {
        const at = r.finishedAt ?? r.startedAt;
        return (
          <Box>
            <Tooltip title={formatDateTime(at)}>
              <span style={noWrap}>{formatRelative(at)}</span>
            </Tooltip>
            {r.durationMs !== null && (
              <Typography variant="caption" display="block" color="textSecondary" style={noWrap}>
                took {formatDuration(r.durationMs)}
              </Typography>
            )}
          </Box>
        );
      },
    },
    { title: 'Environment', render: r => r.environment },
    {
      title: 'Version',
      // The detail button sits by the version rather than in a column of its own, so the table
      // fits 1280 px; it is also the first thing a keyboard reaches in each row.
      render: r => (
        <Box>
          <Box display="flex" alignItems="center" style={noWrap}>
            <span>{releaseTitle(r)}</span>
            <IconButton
              size="small"
              className={options.focusRingClassName}
              data-release-detail={r.id}
              aria-label={`Open release ${r.version ?? r.id} in ${r.environment}`}
              onClick={event => {
                event.stopPropagation();
                options.onOpen(r.id);
              }}
            >
              <OpenInNewIcon fontSize="small" />
            </IconButton>
          </Box>
          {r.artifact && (
            <Box display="flex" alignItems="center" style={noWrap}>
              <Tooltip title={r.artifact.digest}>
                <code aria-label={`Digest ${r.artifact.digest}`} style={{ flexShrink: 0 }}>{shortDigest(r.artifact.digest)}</code>
              </Tooltip>
              <CopyValueButton value={r.artifact.digest} what="digest" />
            </Box>
          )}
        </Box>
      ),
    },
    {
      title: 'Status',
      render: r => (
        <Box>
          <StatusChip status={r.status} prefix="Status" />
          <div>
            {r.strategy} · {r.intent}
          </div>
          {r.rolledBackBy.length > 0 && <div>rolled back by {r.rolledBackBy.map(openLink)}</div>}
          {r.restoredFrom && <div>restores {openLink(r.restoredFrom)}</div>}
        </Box>
      ),
    },
    {
      title: 'Commit',
      render: r =>
        r.commitSha ? (
          <span style={noWrap}>
            <CommitLink sha={r.commitSha} repository={options.repository} />
          </span>
        ) : (
          '—'
        ),
    },
    {
      title: 'Provenance',
      render: r => (
        <Box display="flex" flexWrap="wrap" gridGap={4}>
          <ProvenanceBadge provenance={r.provenance} />
          <PromotionChip promotion={r.promotion} />
        </Box>
      ),
    },
    {
      title: 'By',
      render: r => {
        if (!r.actor) return '—';
        return (
          <span style={noWrap}>
            <KnownActorName actor={r.actor} />
          </span>
        );
      },
    },
  ];
  // Words wrap whole or not at all, never broken mid-word in a narrow cell.
  return columns.map(column => ({
    ...column,
    cellStyle: { wordBreak: 'normal', overflowWrap: 'normal' },
  }));
}
