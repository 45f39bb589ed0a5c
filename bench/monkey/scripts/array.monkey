let fill = fn(a, lo, hi) {
  if (lo == hi) { push(a, lo) } else { let mid = (lo + hi) / 2; fill(fill(a, lo, mid), mid + 1, hi) }
};
let map = fn(arr, f) {
  let step = fn(acc, lo, hi) {
    if (lo == hi) { push(acc, f(arr[lo])) } else { let mid = (lo + hi) / 2; step(step(acc, lo, mid), mid + 1, hi) }
  };
  step([], 0, len(arr) - 1)
};
let reduce = fn(arr, init, f) {
  let step = fn(acc, lo, hi) {
    if (lo == hi) { f(acc, arr[lo]) } else { let mid = (lo + hi) / 2; step(step(acc, lo, mid), mid + 1, hi) }
  };
  step(init, 0, len(arr) - 1)
};
let k = 2;
let doubled = map(fill([], 1, 100000), fn(x) { x * k });
reduce(doubled, 0, fn(acc, x) { acc + x });
