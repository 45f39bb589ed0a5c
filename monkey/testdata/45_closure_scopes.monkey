let x = "global";
let f = fn() {
  let show = fn() { x };
  let before = show();
  let x = "local";
  [before, x]
};
puts(f());
let g = fn(x) { fn() { fn() { x } } };
puts(g("deep")()());
let h = fn(a) { let doubled = a * 2; doubled };
h(21)
