let h = {"name": "Monkey"};
puts(h["name"]);
h[fn(x) { x }]
