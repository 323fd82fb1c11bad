import { GreenlightEvent } from '@greenlight/backstage-plugin-greenlight-common';
import { subjectKeyOf } from '../service/subjects';

/**
 * The forms of the record ids the built-in connectors make (`argocdDeploymentId`,
 * `githubDeploymentId`, the GitLab and PagerDuty mappings, …). A connector's events are
 * written without an entity check (its webhook secret or its pull is the trust), and the
 * records they name fold every event of their id. A scoped pipeline that wrote such an id
 * first, for its own entity, would own the record the connector later writes into: another
 * team's next Argo CD sync (history ids count up) would fold into the squatter's failed
 * deployment. So these ids are the connectors': a native or CDEvents writer may use them only
 * when it is trusted with every entity (an unscoped service, as for events matching none).
 */
const CONNECTOR_ID_FORMS: Array<{
  connector: string;
  form: string;
  matches: (id: string) => boolean;
}> = [
  {
    connector: 'Argo CD',
    form: 'argocd/…',
    matches: id => id.startsWith('argocd/'),
  },
  {
    connector: 'PagerDuty',
    form: 'pagerduty-…',
    matches: id => id.startsWith('pagerduty-'),
  },
  {
    connector: 'Opsgenie',
    form: 'opsgenie-…',
    matches: id => id.startsWith('opsgenie-'),
  },
  {
    connector: 'GitHub',
    form: '<host>/<repository>/actions/runs/<n>…',
    matches: id => /\/actions\/runs\/\d+(\/|$)/.test(id),
  },
  {
    // GitHub's deployments and GitLab's deployments, jobs, pipelines and merge requests.
    connector: 'GitHub or GitLab',
    form: '<host>/<repository>/(deployments|jobs|pipelines|merge_requests|pushes)/…',
    matches: id =>
      /^[^/\s]+\.[^/\s]+\/.+\/(deployments|jobs|pipelines|merge_requests|pushes)\/[^/]+/.test(
        id,
      ),
  },
];

/** The record id an event writes (for `commits`, its own id), as `subjectKeyOf` keys it. */
function recordIdOf(event: GreenlightEvent): string {
  const key = subjectKeyOf(event);
  return key.slice(key.indexOf(':') + 1);
}

/**
 * For each event whose record id has a connector's form, why a writer needs to be trusted
 * with every entity to send it; undefined for the others.
 */
export function connectorIdReasons(
  events: GreenlightEvent[],
): Array<string | undefined> {
  return events.map(event => {
    if (event.type === 'artifact') return undefined;
    const id = recordIdOf(event);
    const form = CONNECTOR_ID_FORMS.find(f => f.matches(id));
    return form
      ? `an id of the ${form.connector} connector's form ${form.form}`
      : undefined;
  });
}
