import { makeStyles } from '@material-ui/core';
import { ReactNode, useLayoutEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useFocusRing } from './focusRing';

const useStyles = makeStyles(theme => ({
  // Out of sight until it has keyboard focus, then shown over the top left of the page.
  link: {
    position: 'fixed',
    left: -10000,
    top: theme.spacing(1),
    width: 1,
    height: 1,
    overflow: 'hidden',
    zIndex: theme.zIndex.tooltip + 1,
    '&:focus': {
      left: theme.spacing(1),
      width: 'auto',
      height: 'auto',
      padding: theme.spacing(1, 2),
      background: theme.palette.background.paper,
      color: theme.palette.text.primary,
      fontWeight: theme.typography.fontWeightBold as number,
      borderRadius: theme.shape.borderRadius,
      boxShadow: theme.shadows[4],
    },
  },
}));

/**
 * A skip link, placed first in the page so that it is the first Tab stop, before the app's
 * navigation: it jumps to the element `targetId`, focusing the first element in it that
 * matches `focusSelector`, or the target itself.
 */
export function SkipLink(props: {
  targetId: string;
  focusSelector?: string;
  children: ReactNode;
}) {
  const classes = useStyles();
  const focusRing = useFocusRing();
  const [container, setContainer] = useState<HTMLElement>();
  useLayoutEffect(() => {
    const element = document.createElement('div');
    document.body.prepend(element);
    setContainer(element);
    return () => element.remove();
  }, []);
  if (!container) return null;
  return createPortal(
    <a
      href={`#${props.targetId}`}
      className={`${classes.link} ${focusRing.focusRing}`}
      onClick={event => {
        const target = document.getElementById(props.targetId);
        if (!target) return;
        event.preventDefault();
        const first = props.focusSelector
          ? target.querySelector<HTMLElement>(props.focusSelector)
          : null;
        (first ?? target).focus();
      }}
    >
      {props.children}
    </a>,
    container,
  );
}
