import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { usePermission } from '@backstage/plugin-permission-react';
import { greenlightDoraReviewSignOffPermission } from '@greenlight/backstage-plugin-greenlight-common';
import {
  Box,
  Button,
  List,
  ListItem,
  ListItemText,
  TextField,
  Typography,
} from '@material-ui/core';
import { FormEvent, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { greenlightApiRef } from '../../api';
import { formatDateTime } from '../../lib/format';
import { LoadError } from '../common';

const day = (iso: string) => iso.slice(0, 10);

/**
 * The team's sign-offs of its DORA review, and the form to sign off the window on screen. Only a
 * sign-off counts as the team's review in the production-grade checklist; opening the figures
 * does not.
 */
export function DoraSignOff(props: {
  groupRef: string;
  window: { from: string; to: string };
  windowLabel: string;
}) {
  const api = useApi(greenlightApiRef);
  const { allowed, loading: checking } = usePermission({
    permission: greenlightDoraReviewSignOffPermission,
    resourceRef: props.groupRef,
  });
  const signOffs = useAsyncRetry(
    () => api.listDoraSignOffs(props.groupRef),
    [api, props.groupRef],
  );
  const [notes, setNotes] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!notes.trim()) return;
    setBusy(true);
    setError(undefined);
    try {
      await api.signOffDoraReview({
        groupRef: props.groupRef,
        notes: notes.trim(),
        window: props.window,
      });
      setNotes('');
      signOffs.retry();
    } catch (e) {
      setError(ResponseError.is(e) ? e.cause.message : (e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  let history;
  if (signOffs.loading && !signOffs.value) history = <Progress />;
  else if (signOffs.error)
    history = (
      <LoadError error={signOffs.error} what="the sign-offs of this review" />
    );
  else if (!signOffs.value?.length) {
    history = (
      <Typography variant="body2">
        Nobody has signed off this team's DORA review yet.
      </Typography>
    );
  } else {
    history = (
      <List dense aria-label="Sign-offs">
        {signOffs.value.map(s => (
          <ListItem key={s.id} disableGutters alignItems="flex-start">
            <ListItemText
              primary={`Signed off by ${s.signedBy} on ${formatDateTime(
                s.signedAt,
              )} (figures of ${day(s.window.from)} – ${day(s.window.to)})`}
              secondary={s.notes}
            />
          </ListItem>
        ))}
      </List>
    );
  }

  return (
    <InfoCard
      title="Review sign-off"
      subheader="A review counts once a team member signs it off with notes"
    >
      {history}
      {!checking && allowed ? (
        <Box
          component="form"
          onSubmit={submit}
          mt={2}
          className="greenlight-no-print"
        >
          <TextField
            id="dora-signoff-notes"
            label={`Notes on ${props.windowLabel}`}
            helperText="What the team concluded and what it will change"
            value={notes}
            onChange={e => setNotes(e.target.value)}
            required
            fullWidth
            multiline
            minRows={2}
            variant="outlined"
          />
          {error && (
            <Typography color="error" role="alert">
              {error}
            </Typography>
          )}
          <Box mt={1}>
            <Button
              type="submit"
              variant="contained"
              color="primary"
              disabled={busy || !notes.trim()}
            >
              Sign off review
            </Button>
          </Box>
        </Box>
      ) : (
        !checking && (
          <Typography variant="body2" color="textSecondary">
            Only the team's members and release managers can sign off this
            review.
          </Typography>
        )
      )}
    </InfoCard>
  );
}
