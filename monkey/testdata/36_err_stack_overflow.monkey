let forever = fn(n) { forever(n + 1) };
puts("recursing");
forever(0)
