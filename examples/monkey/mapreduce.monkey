// Closures and higher-order functions: map, filter and reduce built from
// recursion and the array builtins.
// Run: go run ./cmd/monkey run examples/monkey/mapreduce.monkey
let reduce = fn(arr, initial, f) {
  let iter = fn(arr, result) {
    if (len(arr) == 0) { result } else { iter(rest(arr), f(result, first(arr))) }
  };
  iter(arr, initial)
};
let map = fn(arr, f) { reduce(arr, [], fn(acc, x) { push(acc, f(x)) }) };
let filter = fn(arr, keep) {
  reduce(arr, [], fn(acc, x) { if (keep(x)) { push(acc, x) } else { acc } })
};

// A closure remembers the variables of the function that made it.
let multiplier = fn(factor) { fn(x) { x * factor } };
let triple = multiplier(3);

let numbers = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
let isEven = fn(x) { x / 2 * 2 == x };

puts("tripled, even numbers, sum, sum of squares:");
puts(map(numbers, triple));
puts(filter(numbers, isEven));
puts(reduce(numbers, 0, fn(a, b) { a + b }));
puts(reduce(map(numbers, fn(x) { x * x }), 0, fn(a, b) { a + b }));

// Hashes map keys to values.
let words = ["monkey", "interpreter", "closure"];
let lengths = reduce(words, [], fn(acc, w) { push(acc, [w, len(w)]) });
puts(lengths);
let byWord = {"monkey": 6, "interpreter": 11, "closure": 7};
puts(map(words, fn(w) { byWord[w] }));
