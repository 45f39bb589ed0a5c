let bad = macro(x) { 1 };
bad(2)
