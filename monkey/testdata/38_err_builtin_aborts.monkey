puts("first");
let x = first(42);
puts("not reached");
x
