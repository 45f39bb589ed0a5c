let classify = fn(n) {
  if (n < 0) { "negative" } else { if (n == 0) { "zero" } else { "positive" } }
};
puts(classify(-3), classify(0), classify(8));
puts(if (true) { 10 });
puts(if (false) { 10 });
puts(if (1) { "1 is truthy" } else { "no" });
puts(if (0) { "0 is truthy" } else { "no" });
puts(if ("") { "empty string is truthy" });
puts(if ([]) { "empty array is truthy" });
if (1 > 2) { 10 } else { 20 }
