import { Grid, Typography, useTheme } from '@material-ui/core';
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DoraResponse } from '../../api';
import { DORA_METRICS, DoraMetricDefinition, metricScale } from '../../lib/doraMetrics';
import { formatAmount, UnitScale } from '../../lib/doraUnits';

function describe(definition: DoraMetricDefinition, dora: DoraResponse, scale: UnitScale): string {
  const points = dora.trend.map(p => `${p.label} ${scale.format(definition.value(p.metrics))}`).join(', ');
  return `${definition.title} per ${dora.bucket}: ${points || 'no data'}`;
}

/**
 * One line chart per metric over the window's weeks or months. Each axis reads in one unit,
 * chosen from its data: the points are plotted in that unit, so the ticks are round numbers
 * in it, and the unit is the axis label.
 */
export function TrendCharts(props: { dora: DoraResponse }) {
  const theme = useTheme();
  const { dora } = props;
  if (dora.trend.length === 0) {
    return <Typography variant="body2">No trend for this window.</Typography>;
  }
  return (
    <Grid container spacing={2}>
      {DORA_METRICS.map(definition => {
        const values = dora.trend.map(point => definition.value(point.metrics));
        const scale = metricScale(definition, values, 'axis');
        const data = dora.trend.map((point, i) => {
          const value = values[i];
          return { label: point.label, value: value === null ? null : scale.convert(value), raw: value };
        });
        return (
          <Grid item xs={12} md={6} lg={4} key={definition.key} style={{ breakInside: 'avoid' }}>
            <Typography variant="subtitle2" component="h4">
              {definition.title}
            </Typography>
            <div role="img" aria-label={describe(definition, dora, scale)} data-unit={scale.symbol}>
              <ResponsiveContainer width="100%" height={180}>
                <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" />
                  <XAxis dataKey="label" tick={{ fontSize: 11 }} />
                  <YAxis
                    tickFormatter={(v: number) => formatAmount(v)}
                    width={64}
                    tick={{ fontSize: 11 }}
                    label={{
                      value: scale.axisLabel,
                      angle: -90,
                      position: 'insideLeft',
                      style: { textAnchor: 'middle', fontSize: 11 },
                    }}
                  />
                  <Tooltip formatter={(_v: number, _name: string, item: { payload?: { raw?: number | null } }) =>
                    scale.format(item.payload?.raw)
                  } />
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
