let join = fn(arr, sep) {
  let iter = fn(arr, acc) {
    if (len(arr) == 0) { acc } else { iter(rest(arr), acc + sep + first(arr)) }
  };
  if (len(arr) == 0) { "" } else { iter(rest(arr), first(arr)) }
};
puts(join(["a", "b", "c"], ", "));
let repeat = fn(s, n) { if (n == 0) { "" } else { s + repeat(s, n - 1) } };
puts(repeat("ab", 3));
let words = {"hello": "hola", "world": "mundo"};
words["hello"] + " " + words["world"]
