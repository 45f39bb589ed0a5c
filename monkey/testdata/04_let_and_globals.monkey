let a = 5;
let b = a * 2;
let c = a + b + 5;
puts(a, b, c);
let a = a + 100;
puts(a);
let f = fn() { a };
let a = 1;
puts(f());
c
