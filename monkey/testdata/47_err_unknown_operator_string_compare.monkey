puts("a" == "a");
"a" < "b"
