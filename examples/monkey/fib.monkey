// Recursive Fibonacci, the book's benchmark program.
// Run: go run ./cmd/monkey run examples/monkey/fib.monkey
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

let show = fn(n, limit) {
  if (n < limit + 1) {
    puts("fib(" + str(n) + ") = " + str(fibonacci(n)));
    show(n + 1, limit)
  }
};

// str turns a non-negative integer into a string, digit by digit.
let str = fn(n) {
  let digits = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"];
  if (n < 10) { digits[n] } else { str(n / 10) + digits[n - n / 10 * 10] }
};

show(0, 20);
