import { List, ListItem, ListItemText, Typography } from '@material-ui/core';
import type { DataQualityFinding } from '../../api';
import { DATA_QUALITY_LABELS } from '../../lib/doraMetrics';

/** What the numbers above could not see, so a reader can judge them. */
export function DataQuality(props: { findings: DataQualityFinding[] }) {
  const findings = props.findings.filter(f => f.count > 0);
  if (findings.length === 0) {
    return <Typography variant="body2">No data-quality finding for this window.</Typography>;
  }
  return (
    <List dense aria-label="Data-quality findings">
      {findings.map(finding => (
        <ListItem key={finding.id} disableGutters>
          <ListItemText
            primary={`${DATA_QUALITY_LABELS[finding.id] ?? finding.id}: ${finding.count}`}
            secondary={finding.examples.length ? `For example: ${finding.examples.join(', ')}` : undefined}
          />
        </ListItem>
      ))}
    </List>
  );
}
