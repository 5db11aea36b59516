/** An ATX heading (`## Title`) and where its line starts in the text. */
export type MarkdownHeading = { offset: number; level: number; text: string };

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

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
      const m = ATX.exec(line);
      if (m?.[2]) headings.push({ offset, level: m[1]!.length, text: m[2].trim() });
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
