// Macros receive their arguments as unevaluated syntax (quotes) and return
// new syntax, which replaces the call before the program runs.
// Run: go run ./cmd/monkey run examples/monkey/macros.monkey
let unless = macro(condition, consequence, alternative) {
  quote(if (!(unquote(condition))) {
    unquote(consequence);
  } else {
    unquote(alternative);
  });
};

unless(10 > 5, puts("not greater"), puts("greater"));

// swap the operands of a subtraction at expansion time.
let reverse = macro(a, b) { quote(unquote(b) - unquote(a)) };
puts(reverse(2 + 2, 10 - 5));

// A macro can build any expression from its arguments' syntax.
let square = macro(x) { quote(unquote(x) * unquote(x)) };
let area = fn(side) { square(side + 0) };
puts(area(12));
