import { useTheme } from '@material-ui/core';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { GateEvaluationView } from '../../api';
import { formatNumber } from '../../lib/format';
import { formatGateValue } from '@greenlight/backstage-plugin-greenlight-common';
import { describeSeries, GateSeries } from './gateSeries';

function useVerdictColours(): Record<GateEvaluationView['verdict'], string> {
  const theme = useTheme();
  return {
    pass: theme.palette.success.main,
    fail: theme.palette.error.main,
    inconclusive: theme.palette.warning.main,
    underpowered: theme.palette.warning.main,
    'no-data': theme.palette.grey[500],
  };
}

const time = (t: number) => new Date(t).toLocaleTimeString();

/**
 * The measured value against the threshold at each evaluation, dots coloured by
 * verdict, with vertical marks where the rollout decided something and when a
 * rollback ran. The evaluation table next to it carries the same facts as text.
 */
export function GateChart(props: { series: GateSeries; rollbackAt?: string }) {
  const theme = useTheme();
  const colours = useVerdictColours();
  const { series } = props;
  const rollbackAt = props.rollbackAt ? Date.parse(props.rollbackAt) : undefined;
  const hasThreshold = series.points.some(p => p.threshold !== null);
  const unit = series.points.find(p => p.unit)?.unit;

  return (
    <div role="img" aria-label={describeSeries(series)}>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={series.points} margin={{ top: 20, right: 24, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={time} />
          <YAxis tickFormatter={v => formatNumber(v)} width={64} />
          <Tooltip
            labelFormatter={t => new Date(Number(t)).toLocaleString()}
            formatter={(value: number) => (unit ? formatGateValue(value, unit) : formatNumber(value))}
          />
          <Legend />
          <Line
            name="Value"
            dataKey="value"
            stroke={theme.palette.primary.main}
            isAnimationActive={false}
            dot={({ cx, cy, payload, index }: any) =>
              cx === null || cy === null || cx === undefined || cy === undefined ? (
                <g key={index} />
              ) : (
                <circle key={index} cx={cx} cy={cy} r={4} fill={colours[payload.verdict as GateEvaluationView['verdict']]} />
              )
            }
          />
          {hasThreshold && (
            <Line
              name="Threshold"
              dataKey="threshold"
              type="stepAfter"
              stroke={theme.palette.error.main}
              strokeDasharray="6 4"
              dot={false}
              isAnimationActive={false}
            />
          )}
          {series.decisions.map(d => (
            <ReferenceLine
              key={`${d.t}-${d.decision}`}
              x={d.t}
              stroke={d.decision === 'rollback' ? theme.palette.error.dark : theme.palette.text.secondary}
              strokeDasharray="2 2"
              label={{ value: d.decision, position: 'top', fontSize: 11 }}
            />
          ))}
          {rollbackAt !== undefined && Number.isFinite(rollbackAt) && (
            <ReferenceLine
              x={rollbackAt}
              stroke={theme.palette.error.dark}
              label={{ value: 'rollback executed', position: 'insideTopRight', fontSize: 11 }}
            />
          )}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
