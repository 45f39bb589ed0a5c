let x = ;
let y 5;
let ok = fn(a, b) { a + b };
puts(ok(1 2));
}
