function cat(s, lo, hi) {
  if (lo === hi) { return s + "ab"; }
  const mid = Math.floor((lo + hi) / 2);
  return cat(cat(s, lo, mid), mid + 1, hi);
}
cat("", 1, 100000).length;
