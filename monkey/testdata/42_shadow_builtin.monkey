puts(len([1, 2]));
let len = fn(x) { "shadowed" };
puts(len([1, 2]));
let f = fn(first) { first + 1 };
f(41)
