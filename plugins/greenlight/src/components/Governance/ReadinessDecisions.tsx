import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import {
  Box,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import type { ReadinessDecisionView, ReadinessListResponse } from '../../api';
import { formatDateTime } from '../../lib/format';
import { LoadError, ToneChip } from '../common';

/** The entity's decisions as loaded once for both cards. */
export type DecisionsLoad = {
  value?: ReadinessListResponse;
  loading: boolean;
  error?: Error;
};

const NO_WRAP = { whiteSpace: 'nowrap' as const };
/** Digests and URLs in reasons and evidence break anywhere rather than widen the table. */
const BREAK_ANYWHERE = { overflowWrap: 'anywhere' as const, minWidth: 320 };

function evidenceText(evidence: Record<string, unknown>): string {
  const entries = Object.entries(evidence ?? {});
  if (entries.length === 0) return '';
  return entries
    .map(
      ([k, v]) =>
        `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
    )
    .join('; ');
}

/** Every control the decision checked, with what it found. */
function Controls(props: { decision: ReadinessDecisionView }) {
  const controls = [
    ...props.decision.classes.flatMap(c =>
      c.controls.map(control => ({ ...control, scope: c.class })),
    ),
    ...props.decision.policy.map(p => ({
      ...p,
      scope: p.enforced ? 'policy' : 'policy (not enforced)',
    })),
  ];
  if (controls.length === 0)
    return (
      <Typography variant="body2">
        No control applies to this change.
      </Typography>
    );
  return (
    <List
      dense
      disablePadding
      aria-label={`Controls of decision ${props.decision.decisionId}`}
    >
      {controls.map(control => (
        <ListItem
          key={`${control.scope}-${control.id}`}
          disableGutters
          alignItems="flex-start"
        >
          <ListItemIcon style={{ minWidth: 32 }}>
            {control.satisfied ? (
              <CheckCircleIcon
                fontSize="small"
                htmlColor="#1b5e20"
                aria-hidden
              />
            ) : (
              <CancelIcon fontSize="small" htmlColor="#b71c1c" aria-hidden />
            )}
          </ListItemIcon>
          <ListItemText
            secondaryTypographyProps={{ style: { whiteSpace: 'normal' } }}
            primary={`${control.title} (${control.scope}): ${
              control.satisfied ? 'satisfied' : 'missing'
            }`}
            secondary={[control.reason, evidenceText(control.evidence)]
              .filter(Boolean)
              .join(' — evidence: ')}
          />
        </ListItem>
      ))}
    </List>
  );
}

function DecisionChip(props: { decision: ReadinessDecisionView }) {
  const d = props.decision;
  if (d.override) return <ToneChip tone="warn" label="Allowed by override" />;
  return d.decision === 'allow' ? (
    <ToneChip tone="good" label="Allowed" />
  ) : (
    <ToneChip tone="bad" label="Blocked" />
  );
}

/** The entity's latest readiness decisions, each with its controls and their evidence. */
export function ReadinessDecisions(props: DecisionsLoad) {
  const { value, loading, error } = props;
  let body;
  if (loading) body = <Progress />;
  else if (error)
    body = <LoadError error={error} what="this entity's readiness decisions" />;
  else if (!value || value.items.length === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No readiness decision yet"
        description="Pipelines ask POST /v1/readiness before a change ships; the answers appear here."
      />
    );
  } else {
    body = (
      <Table size="small" aria-label="Readiness decisions">
        <TableHead>
          <TableRow>
            <TableCell>Decided</TableCell>
            <TableCell>Environment</TableCell>
            <TableCell>Change</TableCell>
            <TableCell>Answer</TableCell>
            <TableCell>Controls and evidence</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {value.items.slice(0, 10).map(d => (
            <TableRow key={d.decisionId} style={{ verticalAlign: 'top' }}>
              <TableCell style={NO_WRAP}>
                {formatDateTime(d.decidedAt)}
                <Typography
                  variant="caption"
                  display="block"
                  color="textSecondary"
                >
                  by {d.actor}
                </Typography>
              </TableCell>
              <TableCell style={NO_WRAP}>{d.environment}</TableCell>
              <TableCell style={NO_WRAP}>
                {d.classes.map(c => c.class).join(', ')}
                {d.release.deploymentId && (
                  <Typography
                    variant="caption"
                    display="block"
                    color="textSecondary"
                  >
                    deployment {d.release.deploymentId}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Box display="flex" flexDirection="column" gridGap={4}>
                  <DecisionChip decision={d} />
                  {d.missingControls.length > 0 && (
                    <Typography variant="caption">
                      missing: {d.missingControls.join(', ')}
                    </Typography>
                  )}
                </Box>
              </TableCell>
              <TableCell style={BREAK_ANYWHERE}>
                <Controls decision={d} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    );
  }
  return <InfoCard title="Readiness decisions">{body}</InfoCard>;
}

/** Overrides among the decisions: who overrode, why, and which controls they waived. */
export function Overrides(props: DecisionsLoad) {
  const { value, loading, error } = props;
  let body;
  if (loading) body = <Progress />;
  else if (error)
    body = <LoadError error={error} what="this entity's overrides" />;
  else {
    const overridden = (value?.items ?? []).filter(d => d.override);
    body =
      overridden.length === 0 ? (
        <Typography variant="body2">
          No readiness decision of this entity was overridden.
        </Typography>
      ) : (
        <Table size="small" aria-label="Overrides">
          <TableHead>
            <TableRow>
              <TableCell>When</TableCell>
              <TableCell>Who</TableCell>
              <TableCell>Why</TableCell>
              <TableCell>What they waived</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {overridden.map(d => (
              <TableRow key={d.decisionId}>
                <TableCell>{formatDateTime(d.override!.at)}</TableCell>
                <TableCell>{d.override!.by}</TableCell>
                <TableCell>{d.override!.reason}</TableCell>
                <TableCell>
                  {d.missingControls.join(', ') || 'nothing'} in {d.environment}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      );
  }
  return <InfoCard title="Overrides">{body}</InfoCard>;
}
