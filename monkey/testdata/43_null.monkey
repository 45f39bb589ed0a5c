let n = if (false) { 1 };
puts(n);
puts([n, rest([]), {}[1]]);
puts(n == first([]));
let h = {"k": n};
h["k"]
