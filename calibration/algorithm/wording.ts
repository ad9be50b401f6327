/**
 * Numbers in advice text: whole numbers with separators from 100 up, one decimal below, and compared
 * numbers with the decimals they need so unequal values never print alike.
 */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return Math.abs(x) >= 100 ? Math.round(x).toLocaleString('en-US') : (Math.round(x * 10) / 10).toString();
}

/**
 * Two numbers compared in one sentence ("~A/s < required B/s"): rounded as fmt does, but with as many more
 * decimals (up to 3) as it takes for unequal numbers not to print alike ("~7,500/s < required 7,500/s").
 */
export function fmtPair(a: number, b: number): [string, string] {
  let [fa, fb] = [fmt(a), fmt(b)];
  for (let digits = 1; fa === fb && a !== b && digits <= 3 && Number.isFinite(a) && Number.isFinite(b); digits++) {
    const f = (x: number) => x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    [fa, fb] = [f(a), f(b)];
  }
  return [fa, fb];
}

/** "~A/s OP required B/s" with A and B told apart. */
export function versus(capacity: number, op: string, required: number, what = 'required'): string {
  const [c, r] = fmtPair(capacity, required);
  return `~${c}/s ${op} ${what} ${r}/s`;
}
