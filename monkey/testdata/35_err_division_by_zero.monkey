let safe = fn(a, b) { if (b == 0) { 0 } else { a / b } };
puts(safe(10, 0), safe(10, 3));
let zero = 0;
10 / zero
