import { createContext, useContext } from 'react';

/**
 * The bare actor names the catalog knows as users (see `lib/actor.ts`), for the release
 * table's "By" cells. Through context rather than the columns, so that the catalog's answer,
 * which arrives after the rows, re-renders those cells and not every cell of the page.
 */
export const KnownUsersContext = createContext<ReadonlySet<string>>(new Set());

export const useKnownUsers = () => useContext(KnownUsersContext);
