import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Chip,
  Typography,
} from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { RolloutView } from '../../api';
import { formatDateTime, shortDigest } from '../../lib/format';
import { evidenceSentence } from '../../lib/gateEvidence';
import { StatusChip } from '../common';
import { EvaluationsTable } from './EvaluationsTable';
import { lazy, Suspense } from 'react';
import { GateSeries, gateSeries } from './gateSeries';
import { RollbackEvidence } from './RollbackEvidence';
import { RolloutHeading } from './RolloutHeading';
import { RolloutActions } from './RolloutActions';

/**
 * The chart library is the largest part of the tab's code and no release row needs it: it
 * loads on its own, after the tab has shown.
 */
const LazyGateChart = lazy(() => import('./GateChart').then(m => ({ default: m.GateChart })));

function GateChart(props: { series: GateSeries; rollbackAt?: string }) {
  return (
    <Suspense fallback={<Typography variant="caption">Loading the chart…</Typography>}>
      <LazyGateChart {...props} />
    </Suspense>
  );
}

/**
 * A rollout: its state, every gate's evaluations plotted and listed, and the rollback. On the
 * Delivery tab the charts start collapsed, so the release history stays within reach.
 */
export function RolloutDetail(props: { rollout: RolloutView; onChanged: () => void; chartsCollapsed?: boolean }) {
  const { rollout } = props;
  const series = gateSeries(rollout);
  return (
    <Box>
      <RolloutHeading rollout={rollout} />
      <Typography variant="body2">
        Rolling out {rollout.version ? `${rollout.version} · ` : ''}
        {rollout.deploymentId}
        {rollout.artifactDigest ? ` (${shortDigest(rollout.artifactDigest)})` : ''}
      </Typography>
      <Typography variant="body2" color="textSecondary">
        Started {formatDateTime(rollout.startedAt)} · updated {formatDateTime(rollout.updatedAt)}
        {rollout.nextEvaluationAt ? ` · next evaluation ${formatDateTime(rollout.nextEvaluationAt)}` : ''}
      </Typography>
      {rollout.stateReason && (
        // What holds a promotion (a failing policy gate, an emergency stop) is said up front.
        <Typography variant="body2" role="status">
          {rollout.stateReason.charAt(0).toUpperCase() + rollout.stateReason.slice(1)}
        </Typography>
      )}
      <Box my={1}>
        <RolloutActions rollout={rollout} onDone={props.onChanged} />
      </Box>
      <RollbackEvidence rollout={rollout} />
      {series.length === 0 && (
        <Typography variant="body2">This rollout declares no gates.</Typography>
      )}
      {series.map(s => {
        const latest = s.points[s.points.length - 1];
        return (
          <Box key={s.id} component="section" aria-label={`Gate ${s.id}`} mt={2}>
            <Box display="flex" alignItems="center" flexWrap="wrap" gridGap={8}>
              <Typography variant="subtitle2" component="h4">
                {s.id}
              </Typography>
              <Chip size="small" variant="outlined" label={s.kind} />
              {s.shadow && <Chip size="small" variant="outlined" label="Shadow: does not decide" />}
              {latest ? (
                <StatusChip status={latest.verdict} prefix={`Latest verdict of ${s.id}`} />
              ) : (
                <Typography variant="caption">Not evaluated yet</Typography>
              )}
            </Box>
            {progressTowardsDecision(s, rollout.gates.find(g => g.id === s.id)) && (
              <Typography variant="body2" role="status">
                {progressTowardsDecision(s, rollout.gates.find(g => g.id === s.id))}
              </Typography>
            )}
            {s.kind === 'policy' && latest && (
              // A policy gate measures no metric: its reason is the whole answer.
              <Typography variant="body2">{latest.reason}</Typography>
            )}
            {s.kind !== 'policy' && latest?.comparator && (
              <Typography variant="body2">Latest evaluation: {evidenceSentence(latest)}</Typography>
            )}
            {s.description && (
              <Typography variant="body2" color="textSecondary">
                {s.description}
              </Typography>
            )}
            {s.points.length > 0 && (
              <>
                {!props.chartsCollapsed && s.kind !== 'policy' && <GateChart series={s} rollbackAt={rollout.rollback?.executedAt} />}
                <Accordion TransitionProps={{ unmountOnExit: false }}>
                  <AccordionSummary expandIcon={<ExpandMoreIcon />}>
                    <Typography variant="body2">
                      {props.chartsCollapsed && s.kind !== 'policy' ? 'Chart and ' : ''}
                      {s.points.length} evaluation{s.points.length === 1 ? '' : 's'}
                    </Typography>
                  </AccordionSummary>
                  <AccordionDetails style={{ flexDirection: 'column' }}>
                    {props.chartsCollapsed && s.kind !== 'policy' && <GateChart series={s} rollbackAt={rollout.rollback?.executedAt} />}
                    <EvaluationsTable series={s} />
                  </AccordionDetails>
                </Accordion>
              </>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

/** How many of the gate's latest evaluations failed in a row: how close it is to deciding. */
function failingStreak(series: GateSeries): number {
  let streak = 0;
  for (let i = series.points.length - 1; i >= 0 && series.points[i].verdict === 'fail'; i--) streak += 1;
  return streak;
}

/**
 * How close a gate is to a decision, in the terms of its failure rule: "2 of 3 failures in a
 * row so far", "2 of 3 failures within the last 5 evaluations", and how many evaluations of
 * the planned ones have run. Without the rule (an older backend), the failing streak.
 */
export function progressTowardsDecision(
  series: GateSeries,
  gate?: RolloutView['gates'][number],
): string | null {
  const rule = gate?.failureRule;
  const ran = series.points.length;
  const planned = gate?.evaluations ? ` · evaluation ${ran} of ${gate.evaluations}` : '';
  if (!rule) {
    const streak = failingStreak(series);
    return streak > 0 ? `${streak} failing evaluation${streak === 1 ? '' : 's'} in a row` : null;
  }
  if (ran === 0) return null;
  if (rule.kind === 'consecutive') {
    return `${failingStreak(series)} of ${rule.count} failures in a row so far${planned}`;
  }
  const recent = series.points.slice(-rule.n).filter(p => p.verdict === 'fail').length;
  return `${recent} of ${rule.k} failures within the last ${rule.n} evaluations so far${planned}`;
}
