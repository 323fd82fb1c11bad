import { InfoCard, Link, Progress } from '@backstage/core-components';
import { Entity } from '@backstage/catalog-model';
import {
  Link as MuiLink,
  List,
  ListItem,
  ListItemIcon,
  ListItemText,
} from '@material-ui/core';
import CancelIcon from '@material-ui/icons/Cancel';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import type { ChecklistCheck } from '../../api';
import { LoadError } from '../common';
import { useEntityTabPath } from './entityPaths';
import { useGovernanceLoad } from './useGovernanceLoad';

function ownerRef(entity: Entity): string | undefined {
  const relation = entity.relations?.find(r => r.type === 'ownedBy');
  if (relation) return relation.targetRef;
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner) return undefined;
  return owner.includes(':')
    ? owner
    : `group:${entity.metadata.namespace ?? 'default'}/${owner}`;
}

/** Reasons name digests and deployments: they wrap, anywhere if they must, within the card. */
const WRAP = {
  whiteSpace: 'normal' as const,
  overflowWrap: 'anywhere' as const,
};

/** Where the evidence of a failed check is: the release history, the violations, the team review. */
function useFailureLink(entity: Entity, entityRef: string) {
  const tabPath = useEntityTabPath();
  return (check: ChecklistCheck): { to: string; label: string } | undefined => {
    switch (check.id) {
      case 'mandatory-tests':
        return {
          to: '#governance-violations',
          label: 'See the untested deployments',
        };
      case 'signed-traceable':
      case 'progressive-rollback':
        return {
          to: tabPath(entityRef, 'delivery'),
          label: 'See the releases in the Delivery tab',
        };
      case 'dora-reviewed': {
        const owner = ownerRef(entity);
        return owner?.startsWith('group:')
          ? {
              to: tabPath(owner, 'dora-review'),
              label: "Open the team's DORA review to sign it off",
            }
          : undefined;
      }
      default:
        return undefined;
    }
  };
}

/** The production-grade checklist, each failed check linked to what failed. */
export function ChecklistCard(props: { entity: Entity; entityRef: string }) {
  const link = useFailureLink(props.entity, props.entityRef);
  const { value, loading, error } = useGovernanceLoad(
    api => api.getChecklist(props.entityRef),
    [props.entityRef],
  );
  let body;
  if (loading) body = <Progress />;
  else if (error)
    body = <LoadError error={error} what="this entity's checklist" />;
  else {
    body = (
      <List dense aria-label="Production-grade checklist">
        {(value?.checks ?? []).map(check => {
          const failure = check.status === 'fail' ? link(check) : undefined;
          return (
            <ListItem key={check.id} disableGutters alignItems="flex-start">
              <ListItemIcon>
                {check.status === 'pass' ? (
                  <CheckCircleIcon htmlColor="#1b5e20" aria-hidden />
                ) : (
                  <CancelIcon htmlColor="#b71c1c" aria-hidden />
                )}
              </ListItemIcon>
              <ListItemText
                secondaryTypographyProps={{ style: WRAP }}
                primary={`${check.title}: ${
                  check.status === 'pass' ? 'Pass' : 'Fail'
                }`}
                secondary={
                  <>
                    {check.reason}
                    {failure && (
                      <>
                        {' '}
                        {failure.to.startsWith('#') ? (
                          // a place on this page: the router would resolve it from the root
                          <MuiLink href={failure.to} underline="always">
                            {failure.label}
                          </MuiLink>
                        ) : (
                          <Link to={failure.to} underline="always">
                            {failure.label}
                          </Link>
                        )}
                      </>
                    )}
                  </>
                }
              />
            </ListItem>
          );
        })}
      </List>
    );
  }
  return <InfoCard title="Production-grade checklist">{body}</InfoCard>;
}
