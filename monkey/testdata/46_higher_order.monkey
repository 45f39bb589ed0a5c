let apply = fn(f, times, x) { if (times == 0) { x } else { apply(f, times - 1, f(x)) } };
puts(apply(fn(x) { x * 2 }, 10, 1));
let pipeline = [fn(x) { x + 1 }, fn(x) { x * 10 }, fn(x) { x - 3 }];
let run = fn(fs, x) { if (len(fs) == 0) { x } else { run(rest(fs), first(fs)(x)) } };
puts(run(pipeline, 4));
let ops = {"+": fn(a, b) { a + b }, "*": fn(a, b) { a * b }};
ops["*"](6, 7)
