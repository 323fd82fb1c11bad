import { InfoCard, Link, Progress } from '@backstage/core-components';
import {
  Button,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import type { BreakGlassView } from '../../api';
import { formatDateTime } from '../../lib/format';
import { LoadError, Tone, ToneChip } from '../common';
import { ReconcileDialog } from './ReconcileDialog';

const STATUS: Record<BreakGlassView['status'], { tone: Tone; label: string }> =
  {
    open: { tone: 'warn', label: 'Open' },
    overdue: { tone: 'bad', label: 'Overdue' },
    reconciled: { tone: 'good', label: 'Reconciled' },
  };

/** Break-glass changes with their reconciliation state, and a Reconcile action for open ones. */
export function BreakGlassTable(props: {
  items: BreakGlassView[];
  onChanged: () => void;
  showEntity?: boolean;
  label: string;
}) {
  const [reconciling, setReconciling] = useState<BreakGlassView>();
  return (
    <>
      <Table size="small" aria-label={props.label}>
        <TableHead>
          <TableRow>
            {props.showEntity && <TableCell>Service</TableCell>}
            <TableCell>What and why</TableCell>
            <TableCell>Performed</TableCell>
            <TableCell>Reconcile by</TableCell>
            <TableCell>State</TableCell>
            <TableCell>Action</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.items.map(item => (
            <TableRow key={item.id} style={{ verticalAlign: 'top' }}>
              {props.showEntity && <TableCell>{item.entityRef}</TableCell>}
              <TableCell component="th" scope="row">
                {item.what}
                <Typography variant="caption" display="block">
                  why: {item.why}
                </Typography>
              </TableCell>
              <TableCell>
                {formatDateTime(item.performedAt)}
                <Typography variant="caption" display="block">
                  by {item.performedBy}
                  {item.environment ? ` in ${item.environment}` : ''}
                </Typography>
              </TableCell>
              <TableCell style={{ whiteSpace: 'nowrap' }}>
                {formatDateTime(item.reconcileBy)}
              </TableCell>
              <TableCell>
                <ToneChip {...STATUS[item.status]} />
                {item.reconciliation && (
                  <Typography variant="caption" display="block">
                    by {item.reconciliation.by}
                    {item.reconciledLate ? ' (late)' : ''}:{' '}
                    <Link to={item.reconciliation.link} underline="always">
                      {item.reconciliation.link}
                    </Link>
                    {item.reconciliation.note
                      ? ` — ${item.reconciliation.note}`
                      : ''}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                {item.status !== 'reconciled' && (
                  <Button
                    style={{ whiteSpace: 'nowrap' }}
                    size="small"
                    variant="outlined"
                    onClick={() => setReconciling(item)}
                    aria-label={`Reconcile: ${item.what}`}
                  >
                    Reconcile
                  </Button>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {reconciling && (
        <ReconcileDialog
          change={reconciling}
          onClose={() => setReconciling(undefined)}
          onDone={() => {
            setReconciling(undefined);
            props.onChanged();
          }}
        />
      )}
    </>
  );
}

/** The entity's break-glass changes. */
export function BreakGlassCard(props: {
  value?: { items: BreakGlassView[]; open: number; overdue: number };
  loading: boolean;
  error?: Error;
  onChanged: () => void;
}) {
  const { value, loading, error } = props;
  let body;
  if (loading && !value) body = <Progress />;
  else if (error)
    body = <LoadError error={error} what="this entity's break-glass changes" />;
  else if (!value || value.items.length === 0)
    body = (
      <Typography variant="body2">No break-glass change recorded.</Typography>
    );
  else
    body = (
      <BreakGlassTable
        items={value.items}
        onChanged={props.onChanged}
        label="Break-glass changes"
      />
    );
  return (
    <InfoCard
      title="Break-glass changes"
      subheader={
        value
          ? `${value.open} not reconciled, ${value.overdue} overdue`
          : undefined
      }
    >
      {body}
    </InfoCard>
  );
}
