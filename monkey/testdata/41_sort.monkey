// Insertion sort on immutable arrays.
let insert = fn(sorted, x) {
  if (len(sorted) == 0) { [x] } else {
    if (x < first(sorted)) {
      let prepend = fn(arr, i, acc) { if (i == len(arr)) { acc } else { prepend(arr, i + 1, push(acc, arr[i])) } };
      prepend(sorted, 0, [x])
    } else {
      let tail = insert(rest(sorted), x);
      let prepend = fn(acc, arr, i) { if (i == len(arr)) { acc } else { prepend(push(acc, arr[i]), arr, i + 1) } };
      prepend([first(sorted)], tail, 0)
    }
  }
};
let sort = fn(arr) {
  let iter = fn(arr, acc) { if (len(arr) == 0) { acc } else { iter(rest(arr), insert(acc, first(arr))) } };
  iter(arr, [])
};
sort([5, 3, 9, 1, 4, 1, 8, -2])
