import { useTheme } from '@material-ui/core';
import { CSSProperties, forwardRef, HTMLAttributes } from 'react';

/** The few layout properties of Material UI's `Box` that the release table uses. */
type LayoutProps = {
  display?: CSSProperties['display'];
  alignItems?: CSSProperties['alignItems'];
  justifyContent?: CSSProperties['justifyContent'];
  flexWrap?: CSSProperties['flexWrap'];
  flex?: CSSProperties['flex'];
  /** Gap between children, in pixels. */
  gridGap?: number;
  /** Margins in theme spacing units. */
  mt?: number;
  mb?: number;
};

/**
 * A `div` with `Box`'s layout properties as inline style. Material UI's `Box` adds a style
 * sheet of its own to the page for each instance; in a table of releases that is a few hundred
 * sheets, each one a style recalculation, before the first row is painted.
 */
export const PlainBox = forwardRef<
  HTMLDivElement,
  LayoutProps & HTMLAttributes<HTMLDivElement>
>(function PlainDiv(props, ref) {
  const {
    display,
    alignItems,
    justifyContent,
    flexWrap,
    flex,
    gridGap,
    mt,
    mb,
    style,
    ...rest
  } = props;
  const theme = useTheme();
  return (
    <div
      ref={ref}
      {...rest}
      style={{
        display,
        alignItems,
        justifyContent,
        flexWrap,
        flex,
        gap: gridGap,
        marginTop: mt === undefined ? undefined : theme.spacing(mt),
        marginBottom: mb === undefined ? undefined : theme.spacing(mb),
        ...style,
      }}
    />
  );
});
