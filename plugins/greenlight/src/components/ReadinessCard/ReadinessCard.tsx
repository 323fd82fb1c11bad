import { EmptyState, InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { List, ListItem, ListItemIcon, ListItemText, makeStyles } from '@material-ui/core';
import CheckCircleIcon from '@material-ui/icons/CheckCircle';
import CancelIcon from '@material-ui/icons/Cancel';
import useAsync from 'react-use/esm/useAsync';
import { greenlightApiRef } from '../../api';
import { useEntityRef } from '../../hooks/useEntityRef';
import { LoadError } from '../common';

const useStyles = makeStyles(theme => ({
  pass: { color: theme.palette.success.main },
  fail: { color: theme.palette.error.main },
  // A reason may name a whole digest, one word wider than the card: it wraps rather than
  // running out of sight.
  reason: { overflowWrap: 'anywhere' },
}));

/** The production-grade checklist: each check passes or fails, and says why. */
export function ReadinessCard() {
  const classes = useStyles();
  const api = useApi(greenlightApiRef);
  const { entityRef } = useEntityRef();
  const { value, loading, error } = useAsync(() => api.getChecklist(entityRef), [api, entityRef]);

  let body;
  if (loading) body = <Progress />;
  else if (error) body = <LoadError error={error} what="this entity's readiness checks" />;
  else if (!value || value.checks.length === 0) {
    body = <EmptyState missing="data" title="No readiness check" description="Greenlight returned no check for this entity." />;
  } else {
    const passed = value.checks.filter(c => c.status === 'pass').length;
    body = (
      <List dense aria-label={`Production readiness: ${passed} of ${value.checks.length} checks pass`}>
        {value.checks.map(check => (
          <ListItem key={check.id} disableGutters alignItems="flex-start">
            <ListItemIcon>
              {check.status === 'pass' ? (
                <CheckCircleIcon className={classes.pass} aria-hidden />
              ) : (
                <CancelIcon className={classes.fail} aria-hidden />
              )}
            </ListItemIcon>
            <ListItemText
              primary={`${check.title}: ${check.status === 'pass' ? 'Pass' : 'Fail'}`}
              secondary={check.reason}
              secondaryTypographyProps={{ className: classes.reason }}
            />
          </ListItem>
        ))}
      </List>
    );
  }
  return <InfoCard title="Production readiness">{body}</InfoCard>;
}
