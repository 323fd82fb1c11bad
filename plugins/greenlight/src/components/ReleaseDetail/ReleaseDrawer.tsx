import { Box, Drawer, IconButton, makeStyles } from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
import { useEffect, useRef } from 'react';
import { useFocusRing } from '../common';
import { ReleaseDetailPanel } from './ReleaseDetailPanel';

const useStyles = makeStyles(theme => ({
  paper: {
    width: '70vw',
    maxWidth: 1100,
    minWidth: 360,
    padding: theme.spacing(3),
    [theme.breakpoints.down('sm')]: { width: '100vw' },
  },
}));

/**
 * The release detail in a drawer. Esc closes it; once it has slid away, `onClosed` gets the
 * id of the release it showed, so the page can put keyboard focus back where it came from.
 */
export function ReleaseDrawer(props: {
  releaseId?: string;
  repository?: string;
  onClose: () => void;
  onClosed?: (releaseId: string) => void;
}) {
  const classes = useStyles();
  const focusRing = useFocusRing();
  const shown = useRef<string>();
  useEffect(() => {
    if (props.releaseId) shown.current = props.releaseId;
  }, [props.releaseId]);
  const { onClosed } = props;
  return (
    <Drawer
      anchor="right"
      open={!!props.releaseId}
      onClose={props.onClose}
      classes={{ paper: classes.paper }}
      PaperProps={{ role: 'dialog', 'aria-label': 'Release detail' }}
      disableRestoreFocus={!!onClosed}
      SlideProps={{
        onExited: () => {
          const id = shown.current;
          shown.current = undefined;
          if (id && onClosed) onClosed(id);
        },
      }}
    >
      <Box display="flex" justifyContent="flex-end">
        <IconButton aria-label="Close release detail" className={focusRing.focusRing} onClick={props.onClose}>
          <CloseIcon />
        </IconButton>
      </Box>
      {props.releaseId && <ReleaseDetailPanel releaseId={props.releaseId} repository={props.repository} />}
    </Drawer>
  );
}
