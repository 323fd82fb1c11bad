import { Grid, Typography, useTheme } from '@material-ui/core';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DoraResponse } from '../../api';
import { DORA_METRICS, DoraMetricDefinition } from '../../lib/doraMetrics';

function describe(definition: DoraMetricDefinition, dora: DoraResponse): string {
  const points = dora.trend
    .map(p => `${p.label} ${definition.format(definition.value(p.metrics))}`)
    .join(', ');
  return `${definition.title} per ${dora.bucket}: ${points || 'no data'}`;
}

/** One line chart per metric over the window's weeks or months. */
export function TrendCharts(props: { dora: DoraResponse }) {
  const theme = useTheme();
  const { dora } = props;
  if (dora.trend.length === 0) {
    return <Typography variant="body2">No trend for this window.</Typography>;
  }
  return (
    <Grid container spacing={2}>
      {DORA_METRICS.map(definition => {
        const data = dora.trend.map(point => ({ label: point.label, value: definition.value(point.metrics) }));
        return (
          <Grid item xs={12} md={6} lg={4} key={definition.key} style={{ breakInside: 'avoid' }}>
            <Typography variant="subtitle2" component="h4">
              {definition.title}
            </Typography>
            <div role="img" aria-label={describe(definition, dora)}>
              <ResponsiveContainer width="100%" height={180}>
                <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                  <YAxis tickFormatter={v => definition.format(v)} width={80} tick={{ fontSize: 11 }} />
                  <Tooltip formatter={(v: number) => definition.format(v)} />
                  <Line
                    dataKey="value"
                    name={definition.title}
                    stroke={theme.palette.primary.main}
                    isAnimationActive={false}
                    connectNulls={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
          </Grid>
        );
      })}
    </Grid>
  );
}
