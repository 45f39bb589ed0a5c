let fibonacci = fn(x) {
  if (x == 0) {
    0
  } else {
    if (x == 1) {
      return 1;
    } else {
      fibonacci(x - 1) + fibonacci(x - 2);
    }
  }
};
puts(fibonacci(0), fibonacci(1), fibonacci(10));
let factorial = fn(n) { if (n < 2) { 1 } else { n * factorial(n - 1) } };
puts(factorial(20));
let sumTo = fn(n) { if (n == 0) { 0 } else { n + sumTo(n - 1) } };
puts(sumTo(200));
fibonacci(20)
