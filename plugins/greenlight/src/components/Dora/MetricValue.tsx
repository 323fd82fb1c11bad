import { Tooltip, Typography } from '@material-ui/core';
import type { DoraMetrics } from '@greenlight/backstage-plugin-greenlight-common';
import { DoraMetricDefinition } from '../../lib/doraMetrics';
import type { UnitScale } from '../../lib/doraUnits';

/**
 * A metric's value; quantiles read from sketches carry "≈" and say why, since they
 * are within 1% rather than exact.
 */
export function MetricValue(props: {
  definition: DoraMetricDefinition;
  metrics: DoraMetrics;
  approximate: boolean;
  /** The unit shared with the other values of its row; the value's own best unit when not given. */
  scale?: UnitScale;
}) {
  const { definition, metrics } = props;
  const value = definition.value(metrics);
  const text = props.scale ? props.scale.format(value) : definition.format(value);
  const approximate = value !== null && definition.quantile && (props.approximate || metrics.quantiles === 'sketch');
  if (!approximate) return <Typography component="span" variant="body2">{text}</Typography>;
  return (
    <Tooltip title="Approximate: computed from quantile sketches, within 1% of the exact value.">
      <Typography component="span" variant="body2" aria-label={`approximately ${text}`}>
        ≈ {text}
      </Typography>
    </Tooltip>
  );
}
