/** Ascending order for strings and bigints, by their natural comparison (not locale rules). */
export function ascending<T extends string | bigint>(a: T, b: T): number {
  if (a < b) return -1;
  return a > b ? 1 : 0;
}
