import { Box, Drawer, IconButton, makeStyles } from '@material-ui/core';
import CloseIcon from '@material-ui/icons/Close';
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

export function ReleaseDrawer(props: { releaseId?: string; repository?: string; onClose: () => void }) {
  const classes = useStyles();
  return (
    <Drawer
      anchor="right"
      open={!!props.releaseId}
      onClose={props.onClose}
      classes={{ paper: classes.paper }}
      PaperProps={{ role: 'dialog', 'aria-label': 'Release detail' }}
    >
      <Box display="flex" justifyContent="flex-end">
        <IconButton aria-label="Close release detail" onClick={props.onClose}>
          <CloseIcon />
        </IconButton>
      </Box>
      {props.releaseId && <ReleaseDetailPanel releaseId={props.releaseId} repository={props.repository} />}
    </Drawer>
  );
}
