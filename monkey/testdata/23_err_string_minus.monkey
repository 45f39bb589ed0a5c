let s = "Hello";
puts(s + " World");
s - "World"
