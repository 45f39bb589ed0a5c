let f = fn(x) {
  x + foobar
};
f(1)
