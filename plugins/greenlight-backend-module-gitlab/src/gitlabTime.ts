/**
 * GitLab webhooks write times three ways: ISO 8601 (`2013-12-03T17:23:34Z`),
 * `2016-08-12 15:23:28 UTC` and `2021-04-28 21:50:00 +0200`. Returns ISO 8601, or
 * undefined for anything else.
 */
export function gitlabTime(
  value: string | null | undefined,
): string | undefined {
  if (!value) return undefined;
  const spaced =
    /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) (UTC|[+-]\d{2}:?\d{2})$/.exec(
      value.trim(),
    );
  let iso = value.trim();
  if (spaced) {
    const zone =
      spaced[3] === 'UTC'
        ? 'Z'
        : `${spaced[3].slice(0, 3)}:${spaced[3].slice(-2)}`;
    iso = `${spaced[1]}T${spaced[2]}${zone}`;
  }
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(
    iso,
  ) && !Number.isNaN(Date.parse(iso))
    ? iso
    : undefined;
}
