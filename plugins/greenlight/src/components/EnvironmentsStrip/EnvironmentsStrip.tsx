import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { Box, makeStyles } from '@material-ui/core';
import ArrowForwardIcon from '@material-ui/icons/ArrowForward';
import { Fragment, useMemo } from 'react';
import { EnvironmentState } from '../../api';
import { useEntityRef } from '../../hooks/useEntityRef';
import { entityRepository } from '../../lib/repository';
import { LoadError, useCatalogUsers } from '../common';
import { EnvironmentCell } from './EnvironmentCell';
import { useEnvironments } from './useEnvironments';

const useStyles = makeStyles(theme => ({
  strip: { display: 'flex', flexWrap: 'wrap', alignItems: 'flex-start', gap: theme.spacing(1) },
  arrow: { alignSelf: 'center', color: theme.palette.text.secondary },
}));

export type EnvironmentsLoad = { loading: boolean; error?: Error; value?: EnvironmentState[] };

/** The environments of the current entity in promotion order, from an existing load. */
export function EnvironmentsPanel(props: {
  state: EnvironmentsLoad;
  compact?: boolean;
  onOpenRelease?: (releaseId: string) => void;
}) {
  const classes = useStyles();
  const { entity } = useEntityRef();
  const { loading, error, value } = props.state;
  // One catalog request for every environment's actor, as the release table makes for its page.
  const actors = useMemo(() => (value ?? []).map(env => env.current?.actor), [value]);
  const knownUsers = useCatalogUsers(actors);
  let body;
  if (loading && !value) body = <Progress />;
  else if (error && !value) body = <LoadError error={error} what="where this entity runs" />;
  else if (!value || value.every(env => !env.current)) {
    body = (
      <EmptyState
        missing="data"
        title="Nothing deployed yet"
        description="Greenlight has not received a deployment for this entity."
      />
    );
  } else {
    const ordered = [...value].sort((a, b) => a.order - b.order);
    body = (
      <Box className={classes.strip} role="list" aria-label="Environments in promotion order">
        {ordered.map((env, index) => (
          <Fragment key={env.name}>
            {index > 0 && <ArrowForwardIcon className={classes.arrow} aria-hidden />}
            <Box role="listitem" flex="1 1 0">
              <EnvironmentCell
                environment={env}
                repository={entityRepository(entity)}
                compact={!!props.compact}
                knownUsers={knownUsers}
                onOpenRelease={props.onOpenRelease}
              />
            </Box>
          </Fragment>
        ))}
      </Box>
    );
  }
  return <InfoCard title="Running where">{body}</InfoCard>;
}

/** The "Running where" card: what runs in each environment of the entity. */
export function EnvironmentsStrip(props: { compact?: boolean }) {
  const { entityRef } = useEntityRef();
  const state = useEnvironments(entityRef);
  return <EnvironmentsPanel state={state} compact={props.compact} />;
}

/** The overview card variant. */
export function RunningWhereCard() {
  return <EnvironmentsStrip compact />;
}
