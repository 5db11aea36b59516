/**
 * True when `json` nests arrays/objects deeper than `maxDepth`. One linear scan that skips string
 * contents, run before JSON.parse so a hostile line never reaches a recursive parser, validator or
 * canonicalizer.
 * @example jsonDepthExceeds('{"a":[[1]]}', 2) // true (object → array → array is depth 3)
 */
export function jsonDepthExceeds(json: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}
