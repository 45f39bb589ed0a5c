// Integer arithmetic with the book's precedence.
puts(1 + 2 * 3);
puts((1 + 2) * 3);
puts(10 - 4 - 3);
puts(2 * 3 + 4 * 5);
puts(-5 + 10);
puts(--7);
puts(50 / 2 * 2 + 10);
puts((5 + 10 * 2 + 15 / 3) * 2 + -10);
// Division truncates toward zero.
puts(7 / 2, -7 / 2, 7 / -2, -7 / -2);
9223372036854775807 + 1
