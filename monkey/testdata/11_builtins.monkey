let arr = [1, 2, 3];
puts(len(arr), len("four"), len([]));
puts(first(arr), last(arr), rest(arr));
puts(first([]), last([]), rest([]));
puts(rest(rest(rest(arr))));
let longer = push(arr, 4);
puts(arr, longer);
puts(push([], [1]));
let r = puts("puts returns null");
puts(r);
puts();
len
