function fill(a, lo, hi) {
  if (lo === hi) { a.push(lo); return a; }
  const mid = Math.floor((lo + hi) / 2);
  return fill(fill(a, lo, mid), mid + 1, hi);
}
function map(arr, f) {
  function step(acc, lo, hi) {
    if (lo === hi) { acc.push(f(arr[lo])); return acc; }
    const mid = Math.floor((lo + hi) / 2);
    return step(step(acc, lo, mid), mid + 1, hi);
  }
  return step([], 0, arr.length - 1);
}
function reduce(arr, init, f) {
  function step(acc, lo, hi) {
    if (lo === hi) { return f(acc, arr[lo]); }
    const mid = Math.floor((lo + hi) / 2);
    return step(step(acc, lo, mid), mid + 1, hi);
  }
  return step(init, 0, arr.length - 1);
}
const k = 2;
const doubled = map(fill([], 1, 100000), (x) => x * k);
reduce(doubled, 0, (acc, x) => acc + x);
