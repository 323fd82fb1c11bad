import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { Box, Button, Grid, Typography } from '@material-ui/core';
import PrintIcon from '@material-ui/icons/Print';
import { useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DoraQuery } from '../../api';
import { useDora } from '../../hooks/useDora';
import { useEntityRef } from '../../hooks/useEntityRef';
import {
  previousWindow,
  ReviewWindow,
  windowFromParams,
  windowLengthDays,
  windowToParams,
  windowToRange,
} from '../../lib/doraWindow';
import { formatDay } from '../../lib/format';
import { LoadError } from '../common';
import { BreakdownTable } from './BreakdownTable';
import { CsvExportButton } from './CsvExportButton';
import { DataQuality } from './DataQuality';
import { DoraSignOff } from './DoraSignOff';
import { MetricComparison } from './MetricComparison';
import { TrendCharts } from './TrendCharts';
import { WindowPicker } from './WindowPicker';

/** On paper the review keeps its figures and drops the app's navigation and controls. */
const PRINT_CSS = `@media print {
  nav, [role="tablist"], .greenlight-no-print { display: none !important; }
}`;

const describeWindow = (window: Pick<ReviewWindow, 'from' | 'to'>) =>
  `${formatDay(window.from)} – ${formatDay(window.to)}`;

/** A team's DORA review for a window kept in the URL, so it can be shared and printed. */
export function DoraReview(props: {
  now?: Date;
  /** How soon figures that leave out the newest events are asked for again (default 30 s). */
  refreshAgainMs?: number;
}) {
  const { entity, entityRef } = useEntityRef();
  const [searchParams, setSearchParams] = useSearchParams();
  const now = useMemo(() => props.now ?? new Date(), [props.now]);
  const window = windowFromParams(searchParams, now);
  const query: DoraQuery = useMemo(
    () => ({ groupRef: entityRef, ...windowToRange(window), bucket: window.bucket }),
    [entityRef, window.from, window.to, window.bucket], // eslint-disable-line react-hooks/exhaustive-deps
  );
  const { value, loading, error } = useDora(query, props.refreshAgainMs);

  const setWindow = (next: ReviewWindow) =>
    setSearchParams(params => {
      const merged = new URLSearchParams(params);
      for (const [key, v] of Object.entries(windowToParams(next))) merged.set(key, v);
      return merged;
    });

  const name = entity.metadata.title ?? entity.metadata.name;
  const heading = `DORA review of ${name}: ${describeWindow(window)} (${windowLengthDays(window)} days)`;

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <LoadError error={error} what={`the DORA metrics of ${name}`} />;
  else if (!value || value.scope.entityRefs === 0) {
    body = (
      <EmptyState
        missing="data"
        title="No service in this team's scope"
        description="DORA metrics are computed over the components and resources the team owns; Greenlight found none."
      />
    );
  } else {
    body = (
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <InfoCard
            title="The five metrics"
            subheader={`Compared with ${describeWindow(previousWindow(window))}, across ${value.scope.entityRefs} services`}
          >
            <MetricComparison dora={value} />
            {value.approximate && (
              <Typography variant="caption" color="textSecondary">
                ≈ marks quantiles computed from sketches, within 1% of the exact value.
              </Typography>
            )}
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <InfoCard title={`Trend by ${value.bucket}`}>
            <TrendCharts dora={value} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <BreakdownTable dora={value} />
        </Grid>
        <Grid item xs={12}>
          <InfoCard title="Data quality">
            <DataQuality findings={value.dataQuality} />
          </InfoCard>
        </Grid>
        <Grid item xs={12}>
          <DoraSignOff groupRef={entityRef} window={windowToRange(window)} windowLabel={describeWindow(window)} />
        </Grid>
      </Grid>
    );
  }

  return (
    <Box>
      <style>{PRINT_CSS}</style>
      <Typography variant="h5" component="h2" gutterBottom>
        {heading}
      </Typography>
      <Box
        className="greenlight-no-print"
        display="flex"
        flexWrap="wrap"
        justifyContent="space-between"
        alignItems="flex-end"
        gridGap={16}
        mb={3}
      >
        <WindowPicker window={window} now={now} onChange={setWindow} />
        <Box display="flex" gridGap={8}>
          <CsvExportButton query={query} filename={`dora-${entity.metadata.name}-${window.from}-${window.to}.csv`} />
          <Button variant="outlined" startIcon={<PrintIcon />} onClick={() => globalThis.print?.()}>
            Print
          </Button>
        </Box>
      </Box>
      {body}
    </Box>
  );
}
