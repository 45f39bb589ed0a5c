let cat = fn(s, lo, hi) {
  if (lo == hi) { s + "ab" } else { let mid = (lo + hi) / 2; cat(cat(s, lo, mid), mid + 1, hi) }
};
len(cat("", 1, 100000));
