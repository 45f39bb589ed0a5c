let reverse = macro(a, b) { quote(unquote(b) - unquote(a)); };
puts(reverse(2 + 2, 10 - 5));
let twice = macro(expr) { quote([unquote(expr), unquote(expr)]) };
puts(twice(puts("evaluated twice")));
let square = macro(x) { quote(unquote(x) * unquote(x)) };
let f = fn(n) { square(n + 1) };
puts(f(4));
let infix = macro() { quote(1 + 2); };
infix()
