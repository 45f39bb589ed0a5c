let add = fn(a, b) { a + b };
let sub = fn(a, b) { return a - b; };
let identity = fn(x) { x; };
puts(add(1, 2), sub(10, 4), identity("same"));
puts(add(5 + 5, add(5, 5)));
puts(fn(x) { x * x }(7));
let noop = fn() { };
puts(noop());
let onlyLet = fn() { let unused = 1; };
puts(onlyLet());
add
