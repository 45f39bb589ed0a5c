puts(1 < 2, 1 > 2, 2 < 2, 2 > 2);
puts(1 == 1, 1 != 1, 1 == 2, 1 != 2);
puts(true == true, true == false, true != false);
puts((1 < 2) == true, (1 > 2) == false);
puts(!true, !false, !5, !!5, !0);
puts(1 == true, 1 != true);
let nothing = if (false) { 1 };
puts(!nothing, nothing == nothing);
3 > 2 == true
