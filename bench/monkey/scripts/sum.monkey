let sum = fn(lo, hi) {
  if (lo == hi) { lo } else { let mid = (lo + hi) / 2; sum(lo, mid) + sum(mid + 1, hi) }
};
sum(1, 10000000);
