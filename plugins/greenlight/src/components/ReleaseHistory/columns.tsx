import { TableColumn } from '@backstage/core-components';
import { Box, IconButton } from '@material-ui/core';
import OpenInNewIcon from '@material-ui/icons/OpenInBrowser';
import { Release } from '../../api';
import { formatDateTime, formatDuration } from '../../lib/format';
import { CommitLink, PromotionChip, ProvenanceBadge, StatusChip } from '../common';

export function releaseColumns(options: {
  repository?: string;
  onOpen: (id: string) => void;
}): TableColumn<Release>[] {
  return [
    {
      title: 'When',
      render: r => formatDateTime(r.finishedAt ?? r.startedAt),
    },
    { title: 'Environment', field: 'environment' },
    {
      title: 'Version',
      render: r => r.version ?? (r.commitSha ? r.commitSha.slice(0, 7) : '—'),
    },
    {
      title: 'Status',
      render: r => (
        <Box>
          <StatusChip status={r.status} prefix="Status" />
          {r.rolledBackBy.length > 0 && <div>rolled back by {r.rolledBackBy.join(', ')}</div>}
        </Box>
      ),
    },
    { title: 'Strategy', render: r => `${r.strategy} · ${r.intent}` },
    {
      title: 'Commit',
      render: r => (r.commitSha ? <CommitLink sha={r.commitSha} repository={options.repository} /> : '—'),
    },
    { title: 'New commits', field: 'newCommitCount', type: 'numeric' },
    {
      title: 'Provenance',
      render: r => (
        <Box display="flex" flexWrap="wrap" gridGap={4}>
          <ProvenanceBadge provenance={r.provenance} />
          <PromotionChip promotion={r.promotion} />
        </Box>
      ),
    },
    { title: 'By', render: r => r.actor ?? '—' },
    { title: 'Duration', render: r => formatDuration(r.durationMs) },
    {
      title: 'Detail',
      render: r => (
        <IconButton
          size="small"
          aria-label={`Open release ${r.version ?? r.id} in ${r.environment}`}
          onClick={event => {
            event.stopPropagation();
            options.onOpen(r.id);
          }}
        >
          <OpenInNewIcon fontSize="small" />
        </IconButton>
      ),
    },
  ];
}
