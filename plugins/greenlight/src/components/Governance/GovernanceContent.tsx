import { Grid, Typography } from '@material-ui/core';
import { useEntityRef } from '../../hooks/useEntityRef';
import { BreakGlassCard } from './BreakGlassCard';
import { ChangeWindowsCard } from './ChangeWindowsCard';
import { ChecklistCard } from './ChecklistCard';
import { DriftCard } from './DriftCard';
import { Overrides, ReadinessDecisions } from './ReadinessDecisions';
import { useGovernanceLoad } from './useGovernanceLoad';
import { ViolationsCard } from './ViolationsCard';

/**
 * The Governance tab of a service: what was decided about its changes and on what evidence,
 * what was waived, what is allowed now, and what is still open.
 */
export function GovernanceContent() {
  const { entity, entityRef } = useEntityRef();
  const breakGlass = useGovernanceLoad(
    api => api.listBreakGlass(entityRef),
    [entityRef],
  );
  const decisions = useGovernanceLoad(
    api => api.listReadiness(entityRef),
    [entityRef],
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Typography variant="h5" component="h2">
          Governance of {entity.metadata.title ?? entity.metadata.name}
        </Typography>
      </Grid>
      <Grid item xs={12} md={6}>
        <ChecklistCard entity={entity} entityRef={entityRef} />
      </Grid>
      <Grid item xs={12} md={6}>
        <ChangeWindowsCard entityRef={entityRef} />
      </Grid>
      <Grid item xs={12}>
        <ReadinessDecisions {...decisions} />
      </Grid>
      <Grid item xs={12}>
        <Overrides {...decisions} />
      </Grid>
      <Grid item xs={12}>
        <BreakGlassCard
          value={breakGlass.value}
          loading={breakGlass.loading}
          error={breakGlass.error}
          onChanged={breakGlass.retry}
        />
      </Grid>
      <Grid item xs={12}>
        <DriftCard entityRef={entityRef} />
      </Grid>
      <Grid item xs={12}>
        <ViolationsCard entityRef={entityRef} />
      </Grid>
    </Grid>
  );
}
