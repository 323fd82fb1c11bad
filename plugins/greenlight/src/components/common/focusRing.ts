import { makeStyles } from '@material-ui/core';

/**
 * A focus ring that can be seen from across the room: a solid outline in the theme's
 * primary colour on whatever keyboard focus lands on, instead of the faint default ripple.
 */
export const useFocusRing = makeStyles(theme => ({
  focusRing: {
    '&:focus-visible, &.Mui-focusVisible': {
      outline: `3px solid ${
        theme.palette.type === 'dark'
          ? theme.palette.primary.light
          : theme.palette.primary.main
      }`,
      outlineOffset: 2,
    },
  },
}));
