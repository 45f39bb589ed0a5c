let one = fn(a) { a };
one()
