import { Button, Collapse, List, ListItem, ListItemText } from '@material-ui/core';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import { useState } from 'react';
import { EnvironmentState } from '../../api';
import { CommitLink } from '../common';

const plural = (count: number) => `${count} commit${count === 1 ? '' : 's'}`;

/** Commits that reached the previous environment but not this one, listed on demand. */
export function WaitingCommits(props: {
  environment: string;
  waiting: EnvironmentState['waiting'];
  repository?: string;
  expandable: boolean;
}) {
  const { waiting, environment } = props;
  const [open, setOpen] = useState(false);
  if (waiting.count === 0) return null;
  const label = `${plural(waiting.count)} waiting to be promoted`;
  if (!props.expandable || waiting.commits.length === 0) {
    return (
      <Button size="small" disabled>
        {label}
      </Button>
    );
  }
  const listId = `greenlight-waiting-${environment}`;
  return (
    <>
      <Button
        size="small"
        onClick={() => setOpen(o => !o)}
        aria-expanded={open}
        aria-controls={listId}
        endIcon={open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
      >
        {label}
      </Button>
      <Collapse in={open} unmountOnExit>
        <List dense id={listId} aria-label={`Commits waiting for ${environment}`}>
          {waiting.commits.map(commit => (
            <ListItem key={commit.sha} disableGutters>
              <ListItemText
                primary={
                  <>
                    <CommitLink sha={commit.sha} repository={commit.repository ?? props.repository} />{' '}
                    {commit.title ?? ''}
                  </>
                }
                secondary={commit.author ?? undefined}
              />
            </ListItem>
          ))}
          {waiting.count > waiting.commits.length && (
            <ListItem disableGutters>
              <ListItemText secondary={`and ${waiting.count - waiting.commits.length} more`} />
            </ListItem>
          )}
        </List>
      </Collapse>
    </>
  );
}
