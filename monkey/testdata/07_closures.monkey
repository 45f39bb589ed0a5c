let newAdder = fn(x) { fn(y) { x + y } };
let addTwo = newAdder(2);
let addTen = newAdder(10);
puts(addTwo(3), addTen(3));
let curry = fn(a) { fn(b) { fn(c) { a * 100 + b * 10 + c } } };
puts(curry(1)(2)(3));
let compose = fn(f, g) { fn(x) { g(f(x)) } };
let incThenDouble = compose(fn(x) { x + 1 }, fn(x) { x * 2 });
puts(incThenDouble(5));
let makeCounter = fn() {
  let count = 0;
  fn() { let next = count + 1; next }
};
let counter = makeCounter();
puts(counter(), counter());
addTen(addTwo(0))
