/** An ATX heading (`## Title`) and where its line starts in the text. */
export type MarkdownHeading = { offset: number; level: number; text: string };

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

const isBlank = (c: string | undefined) => c === ' ' || c === '\t' || c === '\r';

/**
 * The level and text of an ATX heading line (`## Title ##`), or undefined. Hand-written rather than a
 * regex: `/^#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/` backtracks quadratically on a title followed by
 * thousands of spaces (3,000 spaces: seconds); this is one pass over the line.
 */
export function parseAtxHeading(line: string): { level: number; text: string } | undefined {
  let i = 0;
  while (i < 3 && line[i] === ' ') i++;
  let level = 0;
  while (line[i + level] === '#') level++;
  if (level < 1 || level > 6) return undefined;
  i += level;
  if (i < line.length && !isBlank(line[i])) return undefined; // `#hashtag` is not a heading
  let end = line.length;
  while (end > i && isBlank(line[end - 1])) end--;
  // An optional closing sequence of #s, separated from the text by a blank (`## Title ##`).
  let hashes = end;
  while (hashes > i && line[hashes - 1] === '#') hashes--;
  if (hashes < end && (hashes === i || isBlank(line[hashes - 1]))) end = hashes;
  const text = line.slice(i, end).trim();
  return text === '' ? undefined : { level, text };
}

/** ATX headings in document order, skipping fenced code blocks (a `# comment` in code is not a heading). */
export function parseMarkdownHeadings(text: string): MarkdownHeading[] {
  const headings: MarkdownHeading[] = [];
  let offset = 0;
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch) {
      const marker = fenceMatch[1]!;
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    } else if (fence === undefined) {
      const heading = parseAtxHeading(line);
      if (heading) headings.push({ offset, ...heading });
    }
    offset += line.length + 1;
  }
  return headings;
}

/**
 * Returns a function giving the heading path (outermost first) in effect at a character offset.
 * Offsets must be asked in non-decreasing order; each call is amortised O(1).
 */
export function headingPathTracker(headings: readonly MarkdownHeading[]): (offset: number) => string[] {
  const stack: MarkdownHeading[] = [];
  let next = 0;
  return (offset) => {
    while (next < headings.length && headings[next]!.offset <= offset) {
      const h = headings[next++]!;
      while (stack.length > 0 && stack[stack.length - 1]!.level >= h.level) stack.pop();
      stack.push(h);
    }
    return stack.map((h) => h.text);
  };
}
