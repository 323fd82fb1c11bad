/** Whether two SHAs name the same commit, either possibly abbreviated. */
export function sameCommitSha(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x.startsWith(y) || y.startsWith(x);
}

/** Groups SHAs that name the same commit; each group is named by its longest spelling. */
export function groupCommitShas<T>(
  items: Array<{ sha: string; tag: T }>,
): Array<{ sha: string; tags: T[] }> {
  const groups: Array<{ sha: string; tags: T[] }> = [];
  for (const item of items) {
    const group = groups.find(g => sameCommitSha(g.sha, item.sha));
    if (!group) {
      groups.push({ sha: item.sha.toLowerCase(), tags: [item.tag] });
      continue;
    }
    if (item.sha.length > group.sha.length) group.sha = item.sha.toLowerCase();
    if (!group.tags.includes(item.tag)) group.tags.push(item.tag);
  }
  return groups;
}
