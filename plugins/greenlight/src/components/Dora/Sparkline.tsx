import { useTheme } from '@material-ui/core';
import { Line, LineChart, YAxis } from 'recharts';

/** A tiny trend without axes; its label says what a sighted reader would see. */
export function Sparkline(props: { values: Array<number | null>; label: string; format: (v: number) => string }) {
  const theme = useTheme();
  const known = props.values.filter((v): v is number => v !== null);
  if (known.length < 2) return null;
  const description = `${props.label}: ${known.length} points, from ${props.format(known[0])} to ${props.format(
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
