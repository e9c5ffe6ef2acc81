// A line diff for policy-sized files: longest common subsequence over lines (after trimming
// the common head and tail), shown as hunks with a few lines of context.

export type DiffLine = { op: ' ' | '-' | '+'; old?: number; new?: number; text: string };
export type Hunk = { lines: DiffLine[] };

export function diffLines(before: string, after: string): DiffLine[] {
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  const n = x.length;
  const m = y.length;
  // lcs[i][j] = LCS length of x[i..] and y[j..], row-major in one array.
  const lcs = new Uint32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        x[i] === y[j]
          ? lcs[(i + 1) * (m + 1) + j + 1] + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j], lcs[i * (m + 1) + j + 1]);
    }
  }
  const out: DiffLine[] = [];
  for (let k = 0; k < head; k++) out.push({ op: ' ', old: k + 1, new: k + 1, text: a[k] });
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      out.push({ op: ' ', old: head + i + 1, new: head + j + 1, text: x[i] });
      i++;
      j++;
    } else if (i < n && (j >= m || lcs[(i + 1) * (m + 1) + j] >= lcs[i * (m + 1) + j + 1])) {
      // removals before additions within a run of changes
      out.push({ op: '-', old: head + i + 1, text: x[i] });
      i++;
    } else {
      out.push({ op: '+', new: head + j + 1, text: y[j] });
      j++;
    }
  }
  for (let k = 0; k < tail; k++) {
    out.push({
      op: ' ',
      old: a.length - tail + k + 1,
      new: b.length - tail + k + 1,
      text: a[a.length - tail + k],
    });
  }
  return out;
}

/** The changed lines with `context` unchanged lines around them, as separate hunks. */
export function hunks(lines: DiffLine[], context = 3): Hunk[] {
  const keep = new Array<boolean>(lines.length).fill(false);
  lines.forEach((line, k) => {
    if (line.op === ' ') return;
    for (let c = Math.max(0, k - context); c <= Math.min(lines.length - 1, k + context); c++) {
      keep[c] = true;
    }
  });
  const result: Hunk[] = [];
  let current: DiffLine[] | null = null;
  lines.forEach((line, k) => {
    if (keep[k]) {
      if (!current) {
        current = [];
        result.push({ lines: current });
      }
      current.push(line);
    } else {
      current = null;
    }
  });
  return result;
}
