import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import { greenlightIncidentAttributePermission } from '@greenlight/backstage-plugin-greenlight-common';
import {
  Button,
  List,
  ListItem,
  ListItemSecondaryAction,
  ListItemText,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { greenlightApiRef, IncidentAttributionRequest } from '../../api';
import { useDeliveryRefresh } from '../../hooks/useDeliveryRefresh';
import { useEntityRef } from '../../hooks/useEntityRef';
import { formatDateTime } from '../../lib/format';
import { LoadError } from '../common';
import { IncidentAttributionItem } from './IncidentAttributionItem';

/** The anchor data-quality findings about unattributed incidents link to. */
export const UNATTRIBUTED_INCIDENTS_ID = 'greenlight-unattributed-incidents';

const messageOf = (error: Error) =>
  ResponseError.is(error) ? error.cause.message : error.message;

/**
 * Incidents no evidence ties to a deployment count as no failure in the change failure rate.
 * This card lets the entity's owners finish the attribution: each incident with candidate
 * deployments ranked by evidence, and a decision that DORA counts at once and can be undone.
 */
export function UnattributedIncidentsCard() {
  const api = useApi(greenlightApiRef);
  const alertApi = useApi(alertApiRef);
  const { entityRef } = useEntityRef();
  const { allowed: canAttribute } = usePermission({
    permission: greenlightIncidentAttributePermission,
    resourceRef: entityRef,
  });
  // On the Delivery tab it reloads with the rest of the tab (an incident ingested or resolved
  // shows without a reload), keeping what it shows while it asks.
  const tick = useDeliveryRefresh();
  const { value, loading, error, retry } = useAsyncRetry(
    () => api.getUnattributedIncidents(entityRef),
    [api, entityRef, tick],
  );
  const [busy, setBusy] = useState(false);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setBusy(true);
    try {
      await action();
      alertApi.post({
        message: done,
        severity: 'success',
        display: 'transient',
      });
      retry();
    } catch (e) {
      alertApi.post({ message: messageOf(e as Error), severity: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const decide = (incidentId: string, request: IncidentAttributionRequest) =>
    act(
      () => api.attributeIncident(incidentId, request),
      'deploymentId' in request
        ? `Incident attributed to ${request.deploymentId}; DORA counts it now`
        : 'Recorded that no change caused the incident',
    );

  let body;
  if (loading && !value) body = <Progress />;
  else if (error)
    body = (
      <LoadError error={error} what="this entity's unattributed incidents" />
    );
  else if (value) {
    body = (
      <>
        {value.items.length === 0 ? (
          <EmptyState
            missing="data"
            title="Every incident is attributed"
            description="Each incident of this entity is tied to a deployment by its evidence or by a person's decision."
          />
        ) : (
          value.items.map(incident => (
            <IncidentAttributionItem
              key={incident.id}
              incident={incident}
              canAttribute={canAttribute}
              busy={busy}
              onDecide={request => decide(incident.id, request)}
            />
          ))
        )}
        {value.decided.length > 0 && (
          <>
            <Typography variant="h6" component="h3">
              Decisions
            </Typography>
            <List dense aria-label="Attribution decisions">
              {value.decided.map(d => (
                <ListItem key={d.incidentId} disableGutters>
                  <ListItemText
                    primary={`${d.title ?? d.incidentId}: ${
                      d.verdict === 'deployment'
                        ? `caused by ${d.deploymentId}`
                        : 'not caused by a change'
                    }`}
                    secondary={`${d.actor}, ${formatDateTime(d.attributedAt)}${
                      d.note ? ` — ${d.note}` : ''
                    }`}
                  />
                  {canAttribute && (
                    <ListItemSecondaryAction>
                      <Button
                        size="small"
                        disabled={busy}
                        aria-label={`Undo the decision about ${
                          d.title ?? d.incidentId
                        }`}
                        onClick={() =>
                          act(
                            () => api.undoIncidentAttribution(d.incidentId),
                            'Decision undone',
                          )
                        }
                      >
                        Undo
                      </Button>
                    </ListItemSecondaryAction>
                  )}
                </ListItem>
              ))}
            </List>
          </>
        )}
      </>
    );
  }

  return (
    <div id={UNATTRIBUTED_INCIDENTS_ID}>
      <InfoCard
        title="Unattributed incidents"
        subheader={`Incidents no evidence ties to a deployment count as no failure. Candidates are what ran when the incident was detected, what was deployed in the ${
          value?.windowHours ?? 24
        } hours before, and what the incident names.`}
      >
        {body}
      </InfoCard>
    </div>
  );
}
