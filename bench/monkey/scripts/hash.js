const h = new Map();
for (let i = 0; i < 100000; i++) { h.set(i, i * 2); }
function look(lo, hi) {
  if (lo === hi) { return h.get(lo); }
  const mid = Math.floor((lo + hi) / 2);
  return look(lo, mid) + look(mid + 1, hi);
}
look(0, 99999);
