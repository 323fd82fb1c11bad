import { InfoCard, Progress } from '@backstage/core-components';
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { formatDateTime } from '../../lib/format';
import { LoadError } from '../common';
import { useGovernanceLoad } from './useGovernanceLoad';

const KIND_LABELS = {
  drift: 'changed outside the tool',
  'pending-change': 'the plan would change it',
  reported: 'reported',
};

/** Infrastructure resources of the entity that differ from their declared state. */
export function DriftCard(props: { entityRef: string }) {
  const { value, loading, error } = useGovernanceLoad(
    api => api.getDrift(props.entityRef),
    [props.entityRef],
  );
  let body;
  if (loading) body = <Progress />;
  else if (error) body = <LoadError error={error} what="this entity's drift" />;
  else if (!value || value.open.length === 0) {
    body = (
      <Typography variant="body2">
        No open drift.
        {value?.recentlyClosed.length
          ? ` ${value.recentlyClosed.length} item(s) closed recently.`
          : ''}
      </Typography>
    );
  } else {
    body = (
      <Table size="small" aria-label="Open drift">
        <TableHead>
          <TableRow>
            <TableCell>Resource</TableCell>
            <TableCell>Source</TableCell>
            <TableCell>What</TableCell>
            <TableCell>Open since</TableCell>
            <TableCell>Last seen</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.open.map(item => (
            <TableRow key={item.id}>
              <TableCell component="th" scope="row">
                <code>{item.address}</code>
              </TableCell>
              <TableCell>{item.source}</TableCell>
              <TableCell>{KIND_LABELS[item.kind] ?? item.kind}</TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {formatDateTime(item.openedAt)}
              </TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {formatDateTime(item.lastSeenAt)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return (
    <InfoCard title={`Open drift${value ? ` (${value.open.length})` : ''}`}>
      {body}
    </InfoCard>
  );
}
