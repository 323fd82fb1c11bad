import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { IconButton, makeStyles, Tooltip } from '@material-ui/core';
import CopyIcon from '@material-ui/icons/FileCopyOutlined';
import { useEffect, useRef, useState } from 'react';
import useCopyToClipboard from 'react-use/esm/useCopyToClipboard';
import { useFocusRing } from './focusRing';

/*
 * Backstage's CopyTextButton draws a Backstage UI ButtonIcon whose default variant is
 * "primary": a 32 px square filled with the solid accent colour, too loud beside a short
 * hash in a dense table, and wider than the digest's cell. This is a plain Material UI icon
 * button instead: a 16 px outline icon in the secondary text colour on no background, which
 * sits after the value and takes the plugin's visible focus ring.
 */
const useStyles = makeStyles(theme => ({
  button: {
    padding: 3,
    marginLeft: theme.spacing(0.5),
    flexShrink: 0,
    color: theme.palette.text.secondary,
    backgroundColor: 'transparent',
    verticalAlign: 'middle',
  },
  icon: { fontSize: 16 },
}));

const COPIED_MS = 1500;

/**
 * A small button that copies a value, e.g. a full digest or commit SHA shown shortened.
 * Its accessible name says what it copies, with the whole value: "Copy digest sha256:…".
 */
export function CopyValueButton(props: {
  value: string;
  /** What the value is, in lower case: "digest", "commit SHA", "build id". */
  what: string;
}) {
  const classes = useStyles();
  const focusRing = useFocusRing();
  const alertApi = useApi(alertApiRef);
  const [copied, setCopied] = useState(false);
  const [hovered, setHovered] = useState(false);
  const [, copyByCommand] = useCopyToClipboard();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  useEffect(() => () => clearTimeout(timer.current), []);

  const copy = async (event: React.MouseEvent) => {
    // In a table row or a link, a click on the button copies and does nothing else.
    event.stopPropagation();
    event.preventDefault();
    try {
      // The asynchronous clipboard exists only in secure contexts; elsewhere copy by command.
      if (navigator.clipboard?.writeText)
        await navigator.clipboard.writeText(props.value);
      else copyByCommand(props.value);
      setCopied(true);
      clearTimeout(timer.current);
      timer.current = setTimeout(() => setCopied(false), COPIED_MS);
    } catch (e) {
      alertApi.post({
        message: `Could not copy the ${props.what}: ${(e as Error).message}`,
        severity: 'error',
      });
    }
  };

  return (
    <Tooltip
      title={copied ? 'Copied' : `Copy ${props.what}`}
      open={copied || hovered}
      onOpen={() => setHovered(true)}
      onClose={() => setHovered(false)}
    >
      <IconButton
        size="small"
        className={`${classes.button} ${focusRing.focusRing}`}
        aria-label={`Copy ${props.what} ${props.value}`}
        onClick={copy}
      >
        <CopyIcon className={classes.icon} aria-hidden />
      </IconButton>
    </Tooltip>
  );
}
