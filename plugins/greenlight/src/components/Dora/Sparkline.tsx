import { useTheme } from '@material-ui/core';
import { Line, LineChart, YAxis } from 'recharts';
import { DoraMetricDefinition, metricScale } from '../../lib/doraMetrics';

/** A tiny trend without axes; its label says what a sighted reader would see, in one unit. */
export function Sparkline(props: {
  values: Array<number | null>;
  label: string;
  definition: Pick<DoraMetricDefinition, 'quantity'>;
}) {
  const theme = useTheme();
  const known = props.values.filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const scale = metricScale(props.definition, known, 'axis');
  const description = `${props.label}: ${known.length} points, from ${scale.format(known[0])} to ${scale.format(
    known[known.length - 1],
  )}`;
  return (
    <div role="img" aria-label={description} title={description}>
      <LineChart width={120} height={32} data={props.values.map((v, i) => ({ i, v }))}>
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line dataKey="v" stroke={theme.palette.primary.main} dot={false} strokeWidth={2} isAnimationActive={false} connectNulls />
      </LineChart>
    </div>
  );
}
