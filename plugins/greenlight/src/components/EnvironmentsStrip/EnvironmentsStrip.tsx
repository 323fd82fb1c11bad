import { EmptyState, InfoCard, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Box, Chip, Grid, Typography } from '@material-ui/core';
import useAsync from 'react-use/esm/useAsync';
import { greenlightApiRef } from '../../api';

const shortDigest = (digest: string) => digest.replace(/^sha256:/, '').slice(0, 12);

/** What runs in each environment of the entity, in promotion order. */
export function EnvironmentsStrip() {
  const { entity } = useEntity();
  const api = useApi(greenlightApiRef);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(() => api.getEnvironments(entityRef), [entityRef]);

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value || value.every(env => !env.current)) {
    return (
      <EmptyState
        missing="data"
        title="Nothing deployed yet"
        description="Greenlight has not received a deployment for this entity."
      />
    );
  }
  return (
    <InfoCard title="Running where">
      <Grid container spacing={2}>
        {value.map(env => (
          <Grid item xs={12} md={Math.max(3, Math.floor(12 / value.length)) as any} key={env.name}>
            <Box aria-label={`environment ${env.name}`} role="group">
              <Typography variant="overline">{env.name}</Typography>
              {env.current ? (
                <>
                  <Typography variant="h6">{env.current.version ?? env.current.commitSha ?? '—'}</Typography>
                  {env.current.artifactDigest && (
                    <Chip size="small" label={shortDigest(env.current.artifactDigest)} title={env.current.artifactDigest} />
                  )}
                  <Typography variant="body2" color="textSecondary">
                    {env.current.since ? new Date(env.current.since).toLocaleString() : ''}
                    {env.current.actor ? ` · ${env.current.actor}` : ''}
                  </Typography>
                </>
              ) : (
                <Typography variant="body2" color="textSecondary">
                  Not deployed
                </Typography>
              )}
              {env.waiting.count > 0 && (
                <Typography variant="body2">{env.waiting.count} commit(s) waiting to be promoted</Typography>
              )}
            </Box>
          </Grid>
        ))}
      </Grid>
    </InfoCard>
  );
}
