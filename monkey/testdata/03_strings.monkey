let greeting = "Hello" + ", " + "World!";
puts(greeting);
puts(len(greeting), len(""));
puts("a" == "a", "a" == "b", "a" != "b");
let name = "mon" + "key";
puts(name == "monkey");
puts("tab:\tquote:\" backslash:\\ newline:\nend");
puts(["strings", "in", "arrays"]);
"done: " + name
