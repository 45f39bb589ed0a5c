puts("runs until the error");
let x = 5;
let y = x + true;
puts("never printed");
y
