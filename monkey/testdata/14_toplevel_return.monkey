puts("before");
let x = 42;
return x * 2;
puts("never printed");
0
