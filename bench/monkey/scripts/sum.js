function sum(lo, hi) {
  if (lo === hi) { return lo; }
  const mid = Math.floor((lo + hi) / 2);
  return sum(lo, mid) + sum(mid + 1, hi);
}
sum(1, 10000000);
