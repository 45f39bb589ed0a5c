let notfn = 5;
puts("calling");
notfn(1, 2)
