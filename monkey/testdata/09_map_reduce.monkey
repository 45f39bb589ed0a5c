let map = fn(arr, f) {
  let iter = fn(arr, accumulated) {
    if (len(arr) == 0) {
      accumulated
    } else {
      iter(rest(arr), push(accumulated, f(first(arr))));
    }
  };
  iter(arr, []);
};
let reduce = fn(arr, initial, f) {
  let iter = fn(arr, result) {
    if (len(arr) == 0) {
      result
    } else {
      iter(rest(arr), f(result, first(arr)));
    }
  };
  iter(arr, initial);
};
let filter = fn(arr, pred) {
  reduce(arr, [], fn(acc, x) { if (pred(x)) { push(acc, x) } else { acc } })
};
let numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
let doubled = map(numbers, fn(x) { x * 2 });
puts(doubled);
puts(reduce(numbers, 0, fn(a, b) { a + b }));
puts(filter(numbers, fn(x) { x / 2 * 2 == x }));
reduce(map(numbers, fn(x) { x * x }), 0, fn(a, b) { a + b })
