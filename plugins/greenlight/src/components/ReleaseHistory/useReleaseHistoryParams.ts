import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { DEFAULT_RELEASE_PAGE_SIZE } from '../../hooks/deliveryReads';
import { PAGE_SIZES } from './CursorPager';
import { EMPTY_FILTERS, ReleaseFilterValues } from './ReleaseFilters';

const FILTER_KEYS = Object.keys(EMPTY_FILTERS) as Array<
  keyof ReleaseFilterValues
>;
/** The cursors of the pages after the first, so a link or a reload opens the same page. */
const PAGES = 'pages';
const PAGE_SIZE = 'pageSize';

/**
 * The release history's filters, page and page size, kept in the URL: a filtered view can be
 * shared, and the back button steps back through it. Other parameters (the open release) stay.
 */
export function useReleaseHistoryParams() {
  const [params, setParams] = useSearchParams();
  // Keyed on the filter values only: opening or closing a release must not reload the table
  // (and take keyboard focus away from the row it came back to).
  const filterKey = JSON.stringify(
    FILTER_KEYS.map(key => params.get(key) ?? ''),
  );
  const filters = useMemo(
    () =>
      Object.fromEntries(
        (JSON.parse(filterKey) as string[]).map((value, i) => [
          FILTER_KEYS[i],
          value,
        ]),
      ) as ReleaseFilterValues,
    [filterKey],
  );
  const pagesParam = params.get(PAGES) ?? '';
  const cursors = useMemo<Array<string | undefined>>(
    () => [undefined, ...pagesParam.split(',').filter(Boolean)],
    [pagesParam],
  );
  const requested = Number(params.get(PAGE_SIZE));
  const pageSize = PAGE_SIZES.includes(requested)
    ? requested
    : DEFAULT_RELEASE_PAGE_SIZE;

  const update = useCallback(
    (patch: Record<string, string | undefined>) =>
      setParams(current => {
        const next = new URLSearchParams(current);
        for (const [key, value] of Object.entries(patch)) {
          if (value) next.set(key, value);
          else next.delete(key);
        }
        return next;
      }),
    [setParams],
  );

  return {
    filters,
    cursors,
    pageSize,
    setFilters: (next: ReleaseFilterValues) =>
      update({ ...next, [PAGES]: undefined }),
    setCursors: (next: Array<string | undefined>) =>
      update({
        [PAGES]: next.filter((c): c is string => !!c).join(',') || undefined,
      }),
    setPageSize: (size: number) =>
      update({
        [PAGE_SIZE]:
          size === DEFAULT_RELEASE_PAGE_SIZE ? undefined : String(size),
        [PAGES]: undefined,
      }),
  };
}
