let a = 1
let b = 2
let add = fn(x, y) { x + y }
puts(add(a, b))
let c = if (a < b) { "less" } else { "more" }
puts(c)
a + b
