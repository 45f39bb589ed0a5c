let f = fn(x) {
  if (x > 10) {
    if (x > 100) {
      return "huge";
    }
    return "big";
  }
  "small"
};
puts(f(1000), f(50), f(5));
let g = fn() { let inner = fn() { return 1; 2 }; inner() + 10 };
puts(g());
let h = fn() { if (true) { if (true) { return 1 } }; 2 };
puts(h());
if (10 > 1) { if (10 > 1) { return 10; } return 1; }
