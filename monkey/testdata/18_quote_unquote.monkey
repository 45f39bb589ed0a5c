puts(quote(5));
puts(quote(5 + 8));
puts(quote(foobar + barfoo));
puts(quote(unquote(4 + 4)));
puts(quote(8 + unquote(4 + 4)));
let eight = 8;
puts(quote(eight), quote(unquote(eight)));
puts(quote(unquote(true == false)));
let q = quote(4 + 4);
puts(quote(unquote(q) * 2));
let f = fn(x) { quote(x + unquote(x)) };
f(3)
