import { createTwoFilesPatch } from 'diff';

/** A unified diff for the approval pane and the audit log; bounded in time, with a plain fallback. */
export function unifiedDiff(relative: string, oldContent: string | null, newContent: string | null): string {
  const before = oldContent ?? '';
  const after = newContent ?? '';
  const patch = createTwoFilesPatch(
    oldContent === null ? '/dev/null' : `a/${relative}`,
    newContent === null ? '/dev/null' : `b/${relative}`,
    before,
    after,
    undefined,
    undefined,
    { context: 3, timeout: 2000 },
  );
  if (patch !== undefined) return patch;
  return `(diff too large to compute in time: ${before.length} → ${after.length} characters; compare the full texts)`;
}
