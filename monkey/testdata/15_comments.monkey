// A comment on its own line.
let x = 1; // a trailing comment
// let x = 2;
let y = 10 // no semicolon, then a comment
/ 2; // division is not a comment
puts(x, y);
"// inside a string is not a comment"
