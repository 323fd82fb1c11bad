import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { FormEvent, useState } from 'react';
import { BreakGlassView, greenlightApiRef } from '../../api';

const isHttpUrl = (value: string) => /^https?:\/\/\S+$/i.test(value.trim());

/**
 * Reconciling a break-glass change: a link to the change that brought it back under review.
 * The backend decides who may (never whoever performed or recorded the change).
 */
export function ReconcileDialog(props: {
  change: BreakGlassView;
  onClose: () => void;
  onDone: () => void;
}) {
  const api = useApi(greenlightApiRef);
  const [link, setLink] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const linkInvalid = link !== '' && !isHttpUrl(link);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!isHttpUrl(link)) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.reconcileBreakGlass(props.change.id, {
        link: link.trim(),
        ...(note.trim() ? { note: note.trim() } : {}),
      });
      props.onDone();
    } catch (e) {
      setError(ResponseError.is(e) ? e.cause.message : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      onClose={props.onClose}
      aria-labelledby="reconcile-title"
      fullWidth
      maxWidth="sm"
    >
      <form onSubmit={submit}>
        <DialogTitle id="reconcile-title">
          Reconcile the break-glass change
        </DialogTitle>
        <DialogContent>
          <DialogContentText>
            {props.change.what} — performed by {props.change.performedBy}. Link
            the reviewed change that reconciles it.
          </DialogContentText>
          {error && (
            <Typography color="error" role="alert">
              {error}
            </Typography>
          )}
          <TextField
            id="reconcile-link"
            label="Link to the reconciling change"
            value={link}
            onChange={e => setLink(e.target.value)}
            required
            fullWidth
            margin="normal"
            error={linkInvalid}
            helperText={
              linkInvalid
                ? 'An http(s) URL, e.g. the pull request'
                : 'e.g. the pull request that made it permanent'
            }
          />
          <TextField
            id="reconcile-note"
            label="Note (optional)"
            value={note}
            onChange={e => setNote(e.target.value)}
            fullWidth
            multiline
            minRows={2}
            margin="normal"
          />
        </DialogContent>
        <DialogActions>
          <Button onClick={props.onClose}>Cancel</Button>
          <Button
            type="submit"
            color="primary"
            variant="contained"
            disabled={busy || !isHttpUrl(link)}
          >
            Reconcile
          </Button>
        </DialogActions>
      </form>
    </Dialog>
  );
}
