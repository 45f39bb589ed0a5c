let level3 = fn(x) { x * "three" };
let level2 = fn(x) { level3(x) + 1 };
let level1 = fn(x) { puts("level1"); level2(x) };
level1(1)
