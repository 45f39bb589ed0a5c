let two = "two";
let h = {"one": 10 - 9, two: 1 + 1, "thr" + "ee": 6 / 2, 4: 4, true: 5, false: 6};
puts(h);
puts(h["one"], h["two"], h["three"], h[4], h[true], h[false]);
puts(h["missing"], h[99]);
puts({}["anything"]);
puts({1: "first", 1: "second"});
puts({"1": "string key", 1: "integer key"}["1"]);
let people = [{"name": "Alice", "age": 24}, {"name": "Anna", "age": 28}];
puts(people[0]["name"], people[1]["age"]);
let getName = fn(person) { person["name"] };
getName(people[1])
