let a = [1, 2 * 2, 3 + 3, "four", [5, 6], fn(x) { x }];
puts(a[0], a[1], a[2], a[3]);
puts(a[4][1]);
puts(a[5](7));
puts(a[6], a[100], a[-1]);
puts([][0]);
let i = 1;
puts([10, 20, 30][i + 1]);
puts([1, [2, [3, [4]]]]);
len(a)
