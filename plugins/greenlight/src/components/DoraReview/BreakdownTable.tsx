import { Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import type { DoraMetrics } from '@greenlight/backstage-plugin-greenlight-common';
import type { DoraResponse } from '../../api';
import { DORA_METRICS, DoraMetricDefinition, metricScale } from '../../lib/doraMetrics';

type Row = { entityRef: string; metrics: DoraMetrics };

/** Missing values sort last whichever the direction, so they never pose as best or worst. */
function byMetric(definition: DoraMetricDefinition) {
  return (a: Row, b: Row, type: 'row' | 'group') => {
    if (type === 'group') return 0;
    const x = definition.value(a.metrics);
    const y = definition.value(b.metrics);
    if (x === null && y === null) return 0;
    if (x === null) return Number.POSITIVE_INFINITY;
    if (y === null) return Number.NEGATIVE_INFINITY;
    return x - y;
  };
}

/** Each service of the scope with its own five metrics; sortable, each linking to its page. */
export function BreakdownTable(props: { dora: DoraResponse }) {
  const columns: TableColumn<Row>[] = [
    {
      title: 'Service',
      field: 'entityRef',
      highlight: true,
      render: row => <EntityRefLink entityRef={row.entityRef} defaultKind="component" />,
    },
    ...DORA_METRICS.map((definition): TableColumn<Row> => {
      // Services are compared down a column, so a column reads in one unit, chosen as a row's.
      const scale = metricScale(
        definition,
        props.dora.breakdown.map(item => definition.value(item.metrics)),
        'row',
      );
      return {
        title: definition.title,
        customSort: byMetric(definition),
        render: row => (
          <span>
            {scale.format(definition.value(row.metrics))}
            <span style={{ opacity: 0.7 }}> (n = {definition.sample(row.metrics)})</span>
          </span>
        ),
      };
    }),
  ];
  return (
    <Table<Row>
      title="Per service"
      columns={columns}
      data={props.dora.breakdown.map(item => ({ ...item }))}
      options={{ paging: false, search: false, padding: 'dense', draggable: false }}
      emptyContent={<div style={{ padding: 16 }}>No service in this scope.</div>}
    />
  );
}
