/**
 * The problems of a rejected batch in one line, each with the event's index and the field's
 * path, so that clients that show only the error message still name every field.
 */
export function describeIssues(
  issues: ReadonlyArray<{ index: number; path: string; message: string }>,
  shown = 5,
): string {
  const listed = issues
    .slice(0, shown)
    .map(
      i =>
        `${i.index >= 0 ? `events[${i.index}].` : ''}${i.path}: ${i.message}`,
    );
  const more =
    issues.length > shown ? `; and ${issues.length - shown} more` : '';
  return `${issues.length} problem(s): ${listed.join('; ')}${more}`;
}
