import { Box, Button } from '@material-ui/core';
import { createContext, useContext, useState } from 'react';
import { RolloutAction, RolloutView } from '../../api';
import { ActionDialog } from './ActionDialog';
import { ACTION_ORDER, ACTION_TEXT } from './actions';

/**
 * Where a list of rollouts keeps the open action dialog, so that it outlives the rollout's
 * detail: when the watcher finishes the rollout, the detail makes way for its outcome, but
 * the reader's dialog and typed reason stay.
 */
export const RolloutActionHost = createContext<
  ((rollout: RolloutView, action: RolloutAction) => void) | null
>(null);

/**
 * Only the actions the backend lists in `allowedActions` are offered: it has already
 * checked both the rollout's state and the reader's permissions.
 */
export function RolloutActions(props: { rollout: RolloutView; onDone: () => void }) {
  const { rollout } = props;
  const [pending, setPending] = useState<RolloutAction>();
  const host = useContext(RolloutActionHost);
  const actions = ACTION_ORDER.filter(action => rollout.allowedActions.includes(action));
  if (actions.length === 0) return null;
  return (
    <Box display="flex" flexWrap="wrap" gridGap={8} className="greenlight-no-print" role="group" aria-label="Rollout actions">
      {actions.map(action => (
        <Button
          key={action}
          size="small"
          variant="outlined"
          color={ACTION_TEXT[action].destructive ? 'secondary' : 'primary'}
          onClick={() => (host ? host(rollout, action) : setPending(action))}
        >
          {ACTION_TEXT[action].label}
        </Button>
      ))}
      {pending && (
        <ActionDialog
          rollout={rollout}
          action={pending}
          onClose={() => setPending(undefined)}
          onDone={() => {
            setPending(undefined);
            props.onDone();
          }}
        />
      )}
    </Box>
  );
}
