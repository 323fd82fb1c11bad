import { ResponseErrorPanel } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Box,
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { useState } from 'react';
import { greenlightApiRef, RolloutAction, RolloutView } from '../../api';
import { ACTION_TEXT } from './actions';
import { overtakenBy } from './overtaken';

const messageOf = (error: Error) => (ResponseError.is(error) ? error.cause.message : error.message);

/**
 * Confirms one manual rollout action and asks why, for the audit log. When the rollout
 * moves on while it is open (the watcher rolls back, someone promotes), the dialog stays,
 * says what happened and keeps the typed reason, instead of vanishing under the reader.
 */
export function ActionDialog(props: {
  /** The rollout as it was when the reader chose the action. */
  rollout: RolloutView;
  /** The rollout as last loaded; undefined when it is no longer listed. */
  current?: RolloutView;
  action: RolloutAction;
  onClose: () => void;
  onDone: () => void;
}) {
  const { rollout, action } = props;
  const api = useApi(greenlightApiRef);
  const alertApi = useApi(alertApiRef);
  const text = ACTION_TEXT[action];
  const [reason, setReason] = useState('');
  const [submitting, setSubmitting] = useState(false);
  const [error, setError] = useState<Error>();
  const missingReason = text.reasonRequired && reason.trim() === '';
  const overtaken = 'current' in props ? overtakenBy(rollout, props.current, action) : null;
  const titleId = `greenlight-action-${action}-title`;

  const submit = async () => {
    setSubmitting(true);
    setError(undefined);
    try {
      await api.performRolloutAction(rollout.id, { action, reason: reason.trim() });
      alertApi.post({
        message: `${text.label} requested for the ${rollout.strategy} rollout in ${rollout.environment}.`,
        severity: 'success',
        display: 'transient',
      });
      props.onDone();
    } catch (e) {
      const failure = e as Error;
      setError(failure);
      alertApi.post({ message: `Could not ${text.verb} the rollout: ${messageOf(failure)}`, severity: 'error' });
    } finally {
      setSubmitting(false);
    }
  };

  return (
    <Dialog open onClose={props.onClose} aria-labelledby={titleId} fullWidth maxWidth="sm">
      <DialogTitle id={titleId}>
        {text.label} the {rollout.strategy} rollout in {rollout.environment}?
      </DialogTitle>
      <DialogContent>
        {overtaken ? (
          <Box role="alert" mb={2} p={1.5} border={1} borderColor="warning.main" borderRadius={4}>
            <Typography variant="body1">{overtaken}</Typography>
            {reason.trim() && (
              <Typography variant="body2" color="textSecondary">
                Your reason is kept below, should you want it elsewhere.
              </Typography>
            )}
          </Box>
        ) : (
          <DialogContentText>{text.consequence}</DialogContentText>
        )}
        <TextField
          fullWidth
          multiline
          minRows={2}
          variant="outlined"
          label={text.reasonRequired ? 'Reason (required)' : 'Reason (optional)'}
          required={text.reasonRequired}
          value={reason}
          onChange={event => setReason(event.target.value)}
          helperText="Recorded in the release's audit trail."
          inputProps={{ 'aria-label': 'Reason' }}
        />
        {error && <ResponseErrorPanel error={error} title={`Could not ${text.verb} the rollout`} />}
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose} disabled={submitting}>
          {overtaken ? 'Close' : 'Cancel'}
        </Button>
        <Button
          onClick={submit}
          disabled={submitting || missingReason || Boolean(overtaken)}
          color={text.destructive ? 'secondary' : 'primary'}
          variant="contained"
        >
          {submitting ? 'Sending…' : text.label}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
